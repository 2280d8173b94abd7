// The emulator only ever talks to this machine: every address it binds or
// sends to must be a loopback address (127.0.0.0/8 or ::1). A network
// emulator that could be pointed at another host would be a traffic
// generator; this one refuses at the edge, with the address named.

/** A UDP endpoint. */
export interface UdpEndpoint {
  address: string;
  port: number;
}

/** True for 127.0.0.0/8 and ::1 (and their IPv4-mapped IPv6 form). */
export function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)) return v4.split('.').every((part) => Number(part) <= 255);
  return address === '::1' || address === '0:0:0:0:0:0:0:1';
}

/** Throws unless `endpoint` is a loopback address with a port in 0..65535 (`what` names it in the message). */
export function requireLoopback(endpoint: UdpEndpoint, what: string): UdpEndpoint {
  if (!isLoopbackAddress(endpoint.address)) throw new Error(`${what} ${endpoint.address} is not a loopback address: the emulator only relays on this machine (127.0.0.0/8 or ::1)`);
  if (!Number.isInteger(endpoint.port) || endpoint.port < 0 || endpoint.port > 65535) throw new Error(`${what} port ${endpoint.port} is not 0..65535`);
  return endpoint;
}

/** Parses HOST:PORT ([::1]:PORT for IPv6; `localhost` is 127.0.0.1) and requires a loopback host. */
export function parseLoopbackEndpoint(text: string, what: string): UdpEndpoint {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  if (!match) throw new Error(`${what} must be HOST:PORT (or [::1]:PORT), not ${text}`);
  const address = match[1] === 'localhost' ? '127.0.0.1' : match[1];
  return requireLoopback({ address, port: Number(match[2]) }, what);
}
