import { describe, expect, it } from 'vitest';
import { decodeWav, encodeWav } from '../../src/wav.js';

/** A hand-built WAV file: the RIFF header, then the given chunks in order (odd bodies padded). */
function riff(chunks: { id: string; body: Uint8Array }[]): Uint8Array {
  const parts: number[] = [...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WAVE')];
  for (const chunk of chunks) {
    parts.push(...ascii(chunk.id), ...uint32(chunk.body.length), ...chunk.body);
    if (chunk.body.length % 2 === 1) parts.push(0);
  }
  const bytes = Uint8Array.from(parts);
  new DataView(bytes.buffer).setUint32(4, bytes.length - 8, true);
  return bytes;
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

function uint32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

function fmtBody(formatTag: number, channels: number, sampleRate: number, bits: number): Uint8Array {
  const body = new Uint8Array(16);
  const view = new DataView(body.buffer);
  const blockAlign = (channels * bits) / 8;
  view.setUint16(0, formatTag, true);
  view.setUint16(2, channels, true);
  view.setUint32(4, sampleRate, true);
  view.setUint32(8, sampleRate * blockAlign, true);
  view.setUint16(12, blockAlign, true);
  view.setUint16(14, bits, true);
  return body;
}

describe('encodeWav', () => {
  it('writes a float WAV with a fact chunk that decodes to the same bits', () => {
    const samples = Float32Array.from([0, 0.1, -1, 1.5, -0.25, 1e-8]);
    const bytes = encodeWav(samples, 2, 48000);
    const view = new DataView(bytes.buffer);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('RIFF');
    expect(view.getUint32(4, true)).toBe(bytes.length - 8);
    expect(view.getUint16(20, true)).toBe(3); // WAVE_FORMAT_IEEE_FLOAT
    expect(String.fromCharCode(...bytes.subarray(38, 42))).toBe('fact');
    expect(view.getUint32(46, true)).toBe(3); // 6 samples / 2 channels = 3 frames

    const decoded = decodeWav(bytes);
    expect(decoded.sampleRate).toBe(48000);
    expect(decoded.channels).toBe(2);
    expect(decoded.samples).toEqual(samples);
  });

  it('rejects samples that are not whole frames', () => {
    expect(() => encodeWav(new Float32Array(3), 2, 48000)).toThrow(/whole number/);
  });
});

describe('decodeWav', () => {
  it('reads 16-bit PCM and skips unknown chunks, including odd-sized padded ones', () => {
    const data = new Uint8Array(8);
    const view = new DataView(data.buffer);
    [0, 16384, -32768, 32767].forEach((value, i) => view.setInt16(i * 2, value, true));
    const bytes = riff([
      { id: 'fmt ', body: fmtBody(1, 1, 16000, 16) },
      { id: 'LIST', body: Uint8Array.from([1, 2, 3]) },
      { id: 'data', body: data },
    ]);
    const decoded = decodeWav(bytes);
    expect(decoded.sampleRate).toBe(16000);
    expect(decoded.channels).toBe(1);
    // 16384 / 32768 = 0.5, −32768 / 32768 = −1, 32767 / 32768 just under 1.
    expect([...decoded.samples]).toEqual([0, 0.5, -1, Math.fround(32767 / 32768)]);
  });

  it('reads 24-bit and 32-bit integer PCM', () => {
    // 24-bit little endian: 0x400000 = 0.5 of full scale 0x800000; 0x800000 is −1.
    const pcm24 = Uint8Array.from([0x00, 0x00, 0x40, 0x00, 0x00, 0x80]);
    expect([...decodeWav(riff([{ id: 'fmt ', body: fmtBody(1, 1, 8000, 24) }, { id: 'data', body: pcm24 }])).samples]).toEqual([
      0.5, -1,
    ]);
    // 32-bit: 0x40000000 / 2^31 = 0.5; 0xC0000000 is −2^30, so −0.5.
    const pcm32 = Uint8Array.from([...uint32(0x40000000), ...uint32(0xc0000000)]);
    expect([...decodeWav(riff([{ id: 'fmt ', body: fmtBody(1, 2, 8000, 32) }, { id: 'data', body: pcm32 }])).samples]).toEqual([
      0.5, -0.5,
    ]);
  });

  it('reads WAVE_FORMAT_EXTENSIBLE by its sub-format', () => {
    const fmt = new Uint8Array(40);
    fmt.set(fmtBody(0xfffe, 1, 48000, 16));
    const view = new DataView(fmt.buffer);
    view.setUint16(16, 22, true); // cbSize
    view.setUint16(24, 1, true); // sub-format GUID starts with the PCM tag
    const data = Uint8Array.from([0x00, 0xc0]); // −16384 → −0.5
    expect([...decodeWav(riff([{ id: 'fmt ', body: fmt }, { id: 'data', body: data }])).samples]).toEqual([-0.5]);
  });

  it('names the problem in malformed input', () => {
    expect(() => decodeWav(new Uint8Array(4))).toThrow(/too short/);
    expect(() => decodeWav(Uint8Array.from(ascii('RIFX\0\0\0\0WAVE')))).toThrow(/RIFF/);
    expect(() => decodeWav(riff([{ id: 'data', body: new Uint8Array(2) }]))).toThrow(/no "fmt " chunk/);
    expect(() => decodeWav(riff([{ id: 'fmt ', body: fmtBody(1, 1, 8000, 16) }]))).toThrow(/no "data" chunk/);
    expect(() =>
      decodeWav(riff([{ id: 'fmt ', body: fmtBody(1, 1, 8000, 8) }, { id: 'data', body: new Uint8Array(2) }])),
    ).toThrow(/unsupported sample format/);

    const whole = encodeWav(new Float32Array(100), 1, 48000);
    expect(() => decodeWav(whole.subarray(0, whole.length - 10))).toThrow(/truncated/);
  });
});
