import { describe, expect, it } from 'vitest';

import { parseTrace, TraceError, type TracePacket } from '../../src/trace/index.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

function errorOf(text: string, path = 'bad.csv'): TraceError {
  try {
    parseTrace(encode(text), path);
  } catch (error) {
    expect(error).toBeInstanceOf(TraceError);
    return error as TraceError;
  }
  throw new Error('expected a TraceError');
}

/** A synthesised packet k of a 20 ms stream, with the fields the delay form fixes. */
function synthesised(k: number, arrivalUs: number): TracePacket {
  return { arrivalUs, seq: k, timestamp: 960 * k, payloadType: -1, marker: false, payload: null, payloadBytes: 0, ecn: -1 };
}

describe('CSV RTP trace: arrival_us,seq,timestamp,payload_bytes', () => {
  // 16 kHz, 20 ms (320 ticks) packets for 2 s, arrivals 20 ms apart plus up to 3 ms of jitter.
  const rows = Array.from({ length: 100 }, (_, k) => `${1_000_000 + k * 20_000 + ((k * 7) % 4) * 1000},${(65500 + k) % 65536},${(4294960000 + 320 * k) % 4294967296},${k % 10 === 0 ? 0 : 61}`);
  const text = `arrival_us,seq,timestamp,payload_bytes\r\n${rows.join('\r\n')}\r\n`;

  it('reads the rows as packets without payload, PT or ECN, relative to the first arrival', () => {
    const trace = parseTrace(encode(text), 'wideband.csv');
    expect(trace).toMatchObject({ name: 'wideband', format: 'csv-rtp', ssrc: null, payloadType: -1 });
    expect(trace.packets.length).toBe(100);
    expect(trace.packets[1]).toEqual<TracePacket>({
      // Row 2 arrives 20 ms + (7 mod 4) ms after row 1.
      arrivalUs: 23_000,
      seq: 65501,
      timestamp: 4294960320,
      payloadType: -1,
      marker: false,
      payload: null,
      payloadBytes: 61,
      ecn: -1,
    });
  });

  it('infers the 16 kHz clock across sequence and timestamp wraps', () => {
    const trace = parseTrace(encode(text), 'wideband.csv');
    expect(trace.clockRate).toBe(16000);
    expect(trace.clockRateSource).toBe('inferred');
  });

  it('accepts a UTF-8 byte-order mark and spaces around fields', () => {
    const spaced = `\ufeffarrival_us, seq, timestamp, payload_bytes\n0, 1, 0, 160\n20000, 2, 160, 160\n40000, 3, 320, 160\n`;
    expect(parseTrace(encode(spaced), 'spaced.csv').packets.map((packet) => packet.seq)).toEqual([1, 2, 3]);
  });

  it('names the line and byte offset of a row with too few fields', () => {
    const error = errorOf('arrival_us,seq,timestamp,payload_bytes\n0,1,0,160\n20000,2,160\n');
    // The 39-byte header line and the 10-byte first row come before it.
    expect(error.offset).toBe(49);
    expect(error.message).toBe('bad.csv: line 3: expected 4 fields (arrival_us,seq,timestamp,payload_bytes), found 3 (at byte offset 49)');
  });

  it('names the line and byte offset of a field that is not a number, or not a valid sequence number', () => {
    expect(errorOf('arrival_us,seq,timestamp,payload_bytes\n0,1,0,abc\n').message).toBe(
      'bad.csv: line 2: payload_bytes "abc" is not a number (at byte offset 39)',
    );
    expect(errorOf('arrival_us,seq,timestamp,payload_bytes\n0,70000,0,160\n').message).toMatch(/line 2: seq 70000 is not an integer in 0\.\.65535/);
  });

  it('needs rows after the header', () => {
    expect(errorOf('arrival_us,seq,timestamp,payload_bytes\n').message).toMatch(/header but no packets/);
  });
});

describe('CSV delay trace: send_us,arrival_us becomes a synthesised voice stream', () => {
  it('gives each 20 ms packet the delay of its probe, and loses the packet whose probe was lost', () => {
    // Probes every 20 ms with delays 5, 7, 6, (lost), 9, 5 ms.
    const text = 'send_us,arrival_us\n1000000,1005000\n1020000,1027000\n1040000,1046000\n1080000,1089000\n1100000,1105000\n';
    const trace = parseTrace(encode(text), 'probes.csv');
    expect(trace).toMatchObject({ format: 'csv-delay', ssrc: null, clockRate: 48000, clockRateSource: 'synthesised', payloadType: -1 });
    // Arrival = k × 20 ms + delay, relative to the first probe's send time.
    expect(trace.packets).toEqual([synthesised(0, 5_000), synthesised(1, 27_000), synthesised(2, 46_000), synthesised(4, 89_000), synthesised(5, 105_000)]);
  });

  it('loses the whole slot of a lost probe with 10 ms packets: the two packets nearer to it than to its neighbours', () => {
    // Probes at 0, 20, 40, 80, 100 ms (60 lost); packets every 10 ms. The slot of the 60 ms probe is
    // (50, 70] ms, ties going to the earlier probe, so packets 6 and 7 are lost; 5 takes the 40 ms probe, 8 the 80 ms one.
    const text = 'send_us,arrival_us\n0,1000\n20000,21000\n40000,42000\n80000,83000\n100000,101000\n';
    const trace = parseTrace(encode(text), 'probes.csv', { frameMs: 10 });
    expect(trace.packets.map((packet) => packet.seq)).toEqual([0, 1, 2, 3, 4, 5, 8, 9, 10]);
    expect(trace.packets.find((packet) => packet.seq === 5)?.arrivalUs).toBe(50_000 + 2_000);
    expect(trace.packets.find((packet) => packet.seq === 8)?.arrivalUs).toBe(80_000 + 3_000);
    expect(trace.packets[1].timestamp).toBe(480);
  });

  it('tolerates jittered probe send times: gaps under 1.5 probe intervals are not losses', () => {
    // Probes nominally 10 ms apart, sent up to 4 ms early or late; no probe lost.
    const sends = Array.from({ length: 200 }, (_, i) => i * 10_000 + [0, 4000, -4000, 2000][i % 4]).filter((send) => send >= 0);
    const text = `send_us,arrival_us\n${sends.map((send) => `${send},${send + 3000}`).join('\n')}\n`;
    const trace = parseTrace(encode(text), 'jitter.csv');
    const lastSend = sends[sends.length - 1];
    expect(trace.packets.length).toBe(Math.floor(lastSend / 20_000) + 1);
  });

  it('sorts packets by arrival, ties by seq, when a delay drop lets a later packet overtake', () => {
    // Packet 0 takes 50 ms, packet 1 takes 10 ms: packet 1 (30 ms) arrives before packet 0 (50 ms).
    const text = 'send_us,arrival_us\n0,50000\n20000,30000\n40000,50000\n';
    expect(parseTrace(encode(text), 'overtake.csv').packets.map((packet) => [packet.seq, packet.arrivalUs])).toEqual([
      [1, 30_000],
      [0, 50_000],
      [2, 50_000],
    ]);
  });

  it('numbers sequence and timestamps modulo 2^16 and 2^32', () => {
    // 70 000 packets of 20 ms: 1400 s of probes every second.
    const rows = Array.from({ length: 1401 }, (_, i) => `${i * 1_000_000},${i * 1_000_000 + 100}`);
    const trace = parseTrace(encode(`send_us,arrival_us\n${rows.join('\n')}\n`), 'long.csv');
    const last = trace.packets[trace.packets.length - 1];
    expect(trace.packets.length).toBe(70_001);
    expect(last.seq).toBe(70_000 & 0xffff);
    expect(last.timestamp).toBe((70_000 * 960) >>> 0);
  });

  it('rejects a non-positive frame duration and malformed rows', () => {
    expect(() => parseTrace(encode('send_us,arrival_us\n0,1\n'), 'p.csv', { frameMs: 0 })).toThrow(/frameMs must be a positive number/);
    expect(errorOf('send_us,arrival_us\n0,1\n10,x\n').message).toBe('bad.csv: line 3: arrival_us "x" is not a number (at byte offset 23)');
    expect(errorOf('send_us,arrival_us\n0,1,2\n').message).toMatch(/line 2: expected 2 fields/);
  });
});
