/**
 * True for addresses that are not routed on the public Internet: IPv4 private (RFC 1918),
 * carrier-grade NAT (100.64/10), loopback and link-local; IPv6 unique-local (fc00::/7),
 * link-local (fe80::/10) and loopback.
 *
 * Accepts the dotted IPv4 form and the colon-separated 8-group IPv6 form written by ip.ts.
 */
export function isPrivateAddress(address: string): boolean {
  if (address.includes('.')) {
    const [a, b] = address.split('.').map(Number);
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254)
    );
  }
  const groups = address.split(':').map((group) => parseInt(group || '0', 16));
  const first = groups[0];
  const isLoopback = groups.length === 8 && groups.slice(0, 7).every((group) => group === 0) && groups[7] === 1;
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || isLoopback;
}
