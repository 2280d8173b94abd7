// The WebSocket helper end to end: the tiny Node server streams RTP-framed
// PCM16LE packets on a 20 ms schedule (with one malformed message), the page
// feeds them to JitterlaneNode, and the tone comes out.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { buildRtpPacket } from '../../src/adapters/rtp_packet.js';
import { startRtpWebSocketServer, type ScheduledPacket } from '../helpers/ws_test_server.js';
import { browserAvailable, withBrowser } from './harness.js';
// @ts-expect-error plain JavaScript shared with the page
import { toneStream } from './pages/stream.js';

const SECONDS = 2;

describe.runIf(browserAvailable() || process.env.CI === 'true')('WebSocket feed in Chromium', () => {
  const browser = withBrowser();
  let ws: { server: Server; url: string };

  beforeAll(async () => {
    const packets = toneStream(SECONDS, { jitterMs: 0, lossEvery: 0 }) as { payload: Uint8Array; sequenceNumber: number; timestamp: number; arrivalFrame: number }[];
    const schedule: ScheduledPacket[] = packets.map((p) => ({
      atMs: p.arrivalFrame / 48,
      data: buildRtpPacket({ sequenceNumber: p.sequenceNumber, timestamp: p.timestamp, ssrc: 0x1234, payloadType: 96 }, p.payload),
    }));
    schedule.push({ atMs: 500, data: new Uint8Array([1, 2, 3]) }); // not RTP: counted as malformed
    ws = await startRtpWebSocketServer(schedule);
  });

  afterAll(() => ws?.server.close());

  it('plays RTP-framed packets from a WebSocket and counts what is not RTP', async () => {
    const page = await browser.open('/test/browser/pages/websocket.html');
    const result = await page.evaluate(
      (o) => (window as unknown as { playWebSocket: (o: unknown) => Promise<{ feed: Record<string, number>; stats: { packetsReceived: number }; medianToneAmplitude: number }> }).playWebSocket(o),
      { url: ws.url, seconds: SECONDS },
    );
    // 100 packets of 20 ms in 2 s, plus one 3-byte message.
    expect(result.feed.packets).toBe(100);
    expect(result.feed.malformed).toBe(1);
    expect(result.stats.packetsReceived).toBe(100);
    expect(Math.abs(20 * Math.log10(result.medianToneAmplitude / 0.5))).toBeLessThan(1);
  });
});
