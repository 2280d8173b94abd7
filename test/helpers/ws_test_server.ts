// A tiny WebSocket server (RFC 6455, server side only, no extensions) that
// streams RTP packets on their schedule: for tests and local demos of the
// WebSocket framing. Node only; binds 127.0.0.1 by default. Every connection
// gets the whole schedule, then the server closes it.

import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** One message of the schedule: sent `atMs` after the connection opens. */
export interface ScheduledPacket {
  atMs: number;
  data: Uint8Array;
}

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** A binary frame, unmasked (server to client), FIN set. */
export function binaryFrame(data: Uint8Array): Uint8Array {
  const length = data.length;
  const headerBytes = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = new Uint8Array(headerBytes + length);
  frame[0] = 0x82;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65536) {
    frame[1] = 126;
    frame[2] = length >> 8;
    frame[3] = length & 0xff;
  } else {
    frame[1] = 127;
    new DataView(frame.buffer).setBigUint64(2, BigInt(length));
  }
  frame.set(data, headerBytes);
  return frame;
}

/** Starts the server; resolves with its ws:// URL. */
export async function startRtpWebSocketServer(schedule: ScheduledPacket[], host = '127.0.0.1', port = 0): Promise<{ server: Server; url: string }> {
  const ordered = [...schedule].sort((a, b) => a.atMs - b.atMs);
  const server = createServer((_req, res) => res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only\n'));
  server.on('upgrade', (req, socket: Duplex) => {
    const key = req.headers['sec-websocket-key'];
    if (typeof key !== 'string') {
      socket.destroy();
      return;
    }
    const accept = createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const opened = performance.now();
    const timers: NodeJS.Timeout[] = [];
    for (const packet of ordered) {
      timers.push(setTimeout(() => socket.write(binaryFrame(packet.data)), Math.max(0, packet.atMs - (performance.now() - opened))));
    }
    const last = ordered.length ? ordered[ordered.length - 1].atMs : 0;
    // A close frame after the schedule, then the socket ends.
    timers.push(setTimeout(() => socket.end(new Uint8Array([0x88, 0])), last + 200));
    socket.on('close', () => timers.forEach(clearTimeout));
    socket.on('error', () => timers.forEach(clearTimeout));
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no server address');
  return { server, url: `ws://${host}:${address.port}` };
}
