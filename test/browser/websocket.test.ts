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

  describe('issue 14 item 4: the payload-type rule of the feeds', () => {
    let typed: { server: Server; url: string };

    beforeAll(async () => {
      // The same tone (PT 96), with a DTMF '7' of five packets (PT 101, its end sent three times) and three packets of PT 0 inside it.
      const packets = toneStream(SECONDS, { jitterMs: 0, lossEvery: 0 }) as { payload: Uint8Array; sequenceNumber: number; timestamp: number; arrivalFrame: number }[];
      const schedule: ScheduledPacket[] = packets.map((p) => ({
        atMs: p.arrivalFrame / 48,
        data: buildRtpPacket({ sequenceNumber: p.sequenceNumber, timestamp: p.timestamp, ssrc: 0x1234, payloadType: 96 }, p.payload),
      }));
      const event = (k: number, end: boolean) => Uint8Array.of(7, (end ? 0x80 : 0) | 12, (k * 960) >> 8, (k * 960) & 0xff);
      for (let k = 1; k <= 7; k++) schedule.push({ atMs: 1000 + Math.min(k, 5) * 20, data: buildRtpPacket({ sequenceNumber: 40_000 + k, timestamp: 48_000, ssrc: 0x1234, payloadType: 101 }, event(Math.min(k, 5), k >= 5)) });
      for (let k = 0; k < 3; k++) schedule.push({ atMs: 1200 + k * 20, data: buildRtpPacket({ sequenceNumber: 50_000 + k, timestamp: 96_000, ssrc: 0x1234, payloadType: 0 }, new Uint8Array(160)) });
      schedule.sort((a, b) => a.atMs - b.atMs);
      typed = await startRtpWebSocketServer(schedule);
    });

    afterAll(() => typed?.server.close());

    it("reports telephone-events as 'telephoneevent' events (start and end), refuses and counts another payload type, plays the codec's", async () => {
      const page = await browser.open('/test/browser/pages/websocket.html');
      const result = await page.evaluate(
        (o) =>
          (window as unknown as { playWebSocket: (o: unknown) => Promise<{ feed: Record<string, number>; stats: { packetsReceived: number; jitterlane: Record<string, number> }; telephoneEvents: { digit: string; volume: number; durationMs: number; end: boolean }[] }> }).playWebSocket(o),
        { url: typed.url, seconds: SECONDS, nodeOptions: { payloadType: 96, telephoneEventPayloadType: 101 } },
      );
      // 5 × 960 ticks at the 48 kHz clock: 100 ms; volume field 12: −12 dBm0.
      expect(result.telephoneEvents.map(({ digit, volume, durationMs, end }) => ({ digit, volume, durationMs, end }))).toEqual([
        { digit: '7', volume: -12, durationMs: 20, end: false },
        { digit: '7', volume: -12, durationMs: 100, end: true },
      ]);
      expect(result.stats.jitterlane.telephoneEventPackets).toBe(7);
      expect(result.stats.jitterlane.packetsForeignPayloadType).toBe(3);
      expect(result.feed.dropped).toBe(3);
      // Only the codec's packets reached the engine.
      expect(result.stats.packetsReceived).toBe(100);
    });
  });
});
