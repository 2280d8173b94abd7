// `jitterlane netem`: the relay as a command, on loopback with synthetic traffic.

import { createSocket } from 'node:dgram';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runNetem } from '../../src/netem/netem_command.js';
import { defaultTraceDir, traceFiles } from '../../src/replay/trace_set.js';

const magicJack = traceFiles(defaultTraceDir()).find((f) => f.name === 'wswiki_MagicJack_short_call')?.path;

function rtp(seq: number): Buffer {
  const b = Buffer.alloc(20);
  b[0] = 0x80;
  b[1] = 0;
  b.writeUInt16BE(seq, 2);
  b.writeUInt32BE(0xabcd, 8);
  return b;
}

describe('jitterlane netem', () => {
  it.runIf(magicJack)('relays a client\u2019s RTP from --listen to --forward with the trace\u2019s delays, and the reply back, then stops at --max-packets', async () => {
    const server = createSocket('udp4');
    const client = createSocket('udp4');
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
    const out = new PassThrough();
    let printed = '';
    out.on('data', (chunk) => (printed += chunk));
    const running = runNetem([magicJack!, '--listen', '127.0.0.1:0', '--forward', `127.0.0.1:${server.address().port}`, '--max-packets', '3', '--json'], out);
    while (!/listening on 127\.0\.0\.1:(\d+)/.test(printed)) await new Promise((r) => setTimeout(r, 5));
    const listenPort = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(printed)![1]);
    const atServer: number[] = [];
    server.on('message', (bytes, from) => {
      atServer.push(bytes.readUInt16BE(2));
      if (atServer.length === 2) server.send(Buffer.from([0x80, 201, 0, 1, 0, 0, 0xab, 0xcd]), from.port, from.address); // an RTCP reply
    });
    const atClient: number[] = [];
    client.on('message', (bytes) => atClient.push(bytes[1]));
    client.send(rtp(500), listenPort, '127.0.0.1');
    client.send(rtp(501), listenPort, '127.0.0.1');
    const stats = await running;
    for (let i = 0; i < 100 && atClient.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    client.close();
    server.close();
    // MagicJack's packet 0 is held 14.6 ms (SOURCES.md: its first packet is the slowest), packet 1 less: 1 overtakes 0.
    expect(atServer).toEqual([501, 500]);
    expect(atClient).toEqual([201]);
    expect(stats.closedBy).toBe('maxDatagrams');
    expect(stats.streams[0]).toMatchObject({ ssrc: 0xabcd, packets: 2, lost: 0, reordered: 1 });
    expect(JSON.parse(printed.trim().split('\n').pop()!).closedBy).toBe('maxDatagrams');
  });

  it.runIf(magicJack)('refuses a --forward address that is not loopback before sending anything', async () => {
    await expect(runNetem([magicJack!, '--listen', '127.0.0.1:0', '--forward', '192.0.2.7:5004'], new PassThrough())).rejects.toThrow(/--forward 192\.0\.2\.7 is not a loopback address/);
  });
});
