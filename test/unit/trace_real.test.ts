import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { readTrace, synthesiseVoiceStream, type Trace } from '../../src/trace/index.js';

// The shared, read-only traces and their documentation (/work/shared/traces/SOURCES.md).
const RAW = new URL('../../../shared/traces/raw/', import.meta.url);

function rawPath(name: string): string {
  return fileURLToPath(new URL(name, RAW));
}

/** Rows of a committed CSV conversion, as numbers, header dropped. */
function csvRows(name: string): number[][] {
  const lines = readFileSync(rawPath(name), 'utf8').trim().split('\n');
  return lines.slice(1).map((line) => line.split(',').map(Number));
}

/** Checks a trace packet by packet against its `arrival_us,seq,timestamp,payload_bytes` conversion. */
function expectSameRowsAsCsv(trace: Trace, csvName: string): void {
  const rows = csvRows(csvName);
  expect(trace.packets.length).toBe(rows.length);
  let worstArrivalErrorUs = 0;
  trace.packets.forEach((packet, i) => {
    const [arrivalUs, seq, timestamp, payloadBytes] = rows[i];
    if (packet.seq !== seq || packet.timestamp !== timestamp || packet.payloadBytes !== payloadBytes) {
      expect({ row: i + 2, seq: packet.seq, timestamp: packet.timestamp, payloadBytes: packet.payloadBytes }).toEqual({
        row: i + 2,
        seq,
        timestamp,
        payloadBytes,
      });
    }
    worstArrivalErrorUs = Math.max(worstArrivalErrorUs, Math.abs(packet.arrivalUs - arrivalUs));
  });
  expect(worstArrivalErrorUs).toBeLessThanOrEqual(1);
}

function payloadTypeCounts(trace: Trace): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const packet of trace.packets) counts[packet.payloadType] = (counts[packet.payloadType] ?? 0) + 1;
  return counts;
}

describe('real RTP captures match their committed CSV conversions', () => {
  it('MagicJack: the stream received from the Internet, SSRC 0x31BE1E0E, PT 0, 626 packets (SOURCES.md §2)', () => {
    const trace = readTrace(rawPath('wswiki_MagicJack_short_call.pcap'));
    expect(trace.name).toBe('wswiki_MagicJack_short_call');
    expect(trace.format).toBe('pcap');
    // The home device's own stream (0x2A173650) has more packets (642) but is its sending side,
    // so the default choice must prefer the stream that came in from the public address.
    expect(trace.ssrc).toBe(0x31be1e0e);
    expect(trace.payloadType).toBe(0);
    expect(trace.clockRate).toBe(8000);
    expect(trace.clockRateSource).toBe('payload-type');
    expect(trace.packets.length).toBe(626);
    expectSameRowsAsCsv(trace, 'wswiki_MagicJack_short_call.csv');
    // 160-byte PCMU payloads, captured whole, not ECN-capable.
    expect(trace.packets[0].payload?.length).toBe(160);
    expect(trace.packets.every((packet) => packet.ecn === 0)).toBe(true);
  });

  it('MagicJack: the other direction can still be chosen by SSRC', () => {
    const trace = readTrace(rawPath('wswiki_MagicJack_short_call.pcap'), { ssrc: 0x2a173650 });
    expect(trace.ssrc).toBe(0x2a173650);
    expect(trace.packets.length).toBe(642);
  });

  it('rtp_conversacion: SSRC 0x5BDD3C0B, PT 0, 1159 packets (SOURCES.md §4)', () => {
    const trace = readTrace(rawPath('wswiki_rtp_conversacion.pcap'));
    expect(trace.ssrc).toBe(0x5bdd3c0b);
    expect(payloadTypeCounts(trace)).toEqual({ 0: 1159 });
    expectSameRowsAsCsv(trace, 'wswiki_rtp_conversacion.csv');
  });

  it('sip-rtp-opus: SSRC 0x043EEE04, dynamic PT 99 inferred at 48 kHz, 425 packets (SOURCES.md §3)', () => {
    const trace = readTrace(rawPath('wswiki_sip-rtp-opus.pcap'));
    expect(trace.ssrc).toBe(0x043eee04);
    expect(trace.payloadType).toBe(99);
    expect(trace.clockRate).toBe(48000);
    expect(trace.clockRateSource).toBe('inferred');
    expectSameRowsAsCsv(trace, 'wswiki_sip-rtp-opus.csv');
  });

  it('Skype (gzip, snaplen 128): SSRC 0x000003E8, PT 104 ×3208 and 118 ×8, 16 kHz inferred, cut payloads null but sizes right (SOURCES.md §1)', () => {
    const trace = readTrace(rawPath('l4stests_skype_bi_dualpi2_l.pcap.gz'));
    expect(trace.name).toBe('l4stests_skype_bi_dualpi2_l');
    expect(trace.ssrc).toBe(0x000003e8);
    expect(payloadTypeCounts(trace)).toEqual({ 104: 3208, 118: 8 });
    expect(trace.payloadType).toBe(104);
    expect(trace.clockRate).toBe(16000);
    expect(trace.clockRateSource).toBe('inferred');
    // Ethernet + IPv4 + UDP + RTP headers take 54 of the 128 captured bytes, so only payloads of
    // up to 74 bytes survive; the others are null, but their size still comes from the UDP length.
    for (const packet of trace.packets) {
      if (packet.payloadBytes > 128 - 54) expect(packet.payload).toBeNull();
      if (packet.payload !== null) expect(packet.payload.length).toBe(packet.payloadBytes);
    }
    expect(trace.packets.filter((packet) => packet.payload === null).length).toBeGreaterThan(3000);
    const sizes = trace.packets.map((packet) => packet.payloadBytes).sort((a, b) => a - b);
    expect(sizes[sizes.length >> 1]).toBe(102);
    expectSameRowsAsCsv(trace, 'l4stests_skype_bi_dualpi2_l.csv');
  });

  it('Skype: asking for a video SSRC gives its 90 kHz clock, and asking for an absent one lists what exists', () => {
    const video = readTrace(rawPath('l4stests_skype_bi_dualpi2_l.pcap.gz'), { ssrc: 0x1198 });
    expect(video.clockRate).toBe(90000);
    expect(() => readTrace(rawPath('l4stests_skype_bi_dualpi2_l.pcap.gz'), { ssrc: 0xdead })).toThrow(
      /no RTP stream with SSRC 0x0000DEAD: .*0x00001197 \(13071 packets, PT 122/,
    );
  });
});

describe('the committed CSV conversions read as traces themselves', () => {
  it('reads an RTP CSV with unknown payload type and infers the clock rate of each documented stream', () => {
    const magicJack = readTrace(rawPath('wswiki_MagicJack_short_call.csv'));
    expect(magicJack.format).toBe('csv-rtp');
    expect(magicJack.ssrc).toBeNull();
    expect(magicJack.payloadType).toBe(-1);
    expect(magicJack.clockRate).toBe(8000);
    expect(magicJack.packets[0]).toEqual({
      arrivalUs: 0,
      seq: 18437,
      timestamp: 1769305803,
      payloadType: -1,
      marker: false,
      payload: null,
      payloadBytes: 160,
      ecn: -1,
    });
    expect(readTrace(rawPath('wswiki_sip-rtp-opus.csv')).clockRate).toBe(48000);
    expect(readTrace(rawPath('l4stests_skype_bi_dualpi2_l.csv')).clockRate).toBe(16000);
  });
});

describe('real delay-only traces become synthesised 20 ms voice streams', () => {
  it('irtt noload (10 ms probes for 60 s): 3000 packets at 20 ms, losing only where irtt skipped a send', () => {
    const trace = readTrace(rawPath('l4stests_irtt_noload.csv'));
    expect(trace.format).toBe('csv-delay');
    expect(trace.clockRate).toBe(48000);
    expect(trace.clockRateSource).toBe('synthesised');
    const rows = csvRows('l4stests_irtt_noload.csv');
    const stream = synthesiseVoiceStream(rows.map(([sendUs, arrivalUs]) => ({ sendUs, arrivalUs })), 20);
    // The last probe leaves 59.99 s after the first, so packets 0..2999 are sent.
    expect(stream.sentCount).toBe(3000);
    expect(stream.probeIntervalUs).toBeGreaterThan(9_900);
    expect(stream.probeIntervalUs).toBeLessThan(10_100);
    // irtt counted 0 lost, but it sent 5988 probes, not 6000: 12 send slots are empty (19.7 ms gaps in
    // send_us). Nothing in the CSV tells an unsent probe from a lost one, so a packet that falls in one
    // of those slots is lost; at most one 20 ms packet falls in each 10 ms slot.
    expect(trace.packets.length).toBe(stream.packets.length);
    expect(3000 - trace.packets.length).toBeLessThanOrEqual(12);
  });

  it('Starlink ping (≈100 ms probes, 15.2 % unanswered): the synthesised stream loses about as much', () => {
    const rows = csvRows('leoviz_starlink_ping-2025-05-29.csv');
    const stream = synthesiseVoiceStream(rows.map(([sendUs, arrivalUs]) => ({ sendUs, arrivalUs })), 20);
    // SOURCES.md §6: median send interval 100.9 ms.
    expect(stream.probeIntervalUs! / 1000).toBeCloseTo(100.9, 0);
    const lostFraction = 1 - stream.packets.length / stream.sentCount;
    expect(lostFraction).toBeGreaterThan(0.14);
    expect(lostFraction).toBeLessThan(0.17);
  });

  it('mahimahi (one row per 20 ms packet, none lost): frame = probe interval gives each row back unchanged', () => {
    const trace = readTrace(rawPath('mahimahi_ATT-LTE-driving.down.csv'));
    const rows = csvRows('mahimahi_ATT-LTE-driving.down.csv');
    // SOURCES.md §5: 39,063 packets delivered.
    expect(trace.packets.length).toBe(39063);
    const bySeq = new Map(trace.packets.map((packet) => [packet.seq, packet.arrivalUs]));
    rows.slice(0, 1000).forEach(([, arrivalUs], k) => expect(bySeq.get(k)).toBe(arrivalUs));
  });
});
