// Reading Opus packets without decoding them (src/codecs/opus_packet.ts): durations
// from the TOC byte and framing code (RFC 6716 §3.1–3.2), malformed framing
// refused, and the LBRR (in-band FEC) flag read from the range coder.

import { describe, expect, it } from 'vitest';
import { opusFecSamples, opusFrameCount, opusFrameSamples, opusPacketSamples } from '../../src/codecs/opus_packet.js';
import { sharedLibOpus } from '../../src/engine/node_loader.js';
import { opusFixture } from '../helpers/opus_fixtures.js';
import { speech } from '../helpers/engine_stream.js';

const at = (bytes: number[]) => Uint8Array.from(bytes);
const samples = (bytes: Uint8Array) => opusPacketSamples(bytes, 0, bytes.length);

/** A TOC byte for `config`, mono, framing `code`. */
const toc = (config: number, code = 0) => (config << 3) | code;

describe('Opus packet durations', () => {
  it('reads every configuration of RFC 6716 Table 2', () => {
    const expected: number[] = [];
    for (let c = 0; c < 12; c++) expected.push([480, 960, 1920, 2880][c % 4]!); // SILK 10/20/40/60 ms
    for (let c = 12; c < 16; c++) expected.push(c % 2 === 0 ? 480 : 960); // hybrid 10/20 ms
    for (let c = 16; c < 32; c++) expected.push([120, 240, 480, 960][c % 4]!); // CELT 2.5/5/10/20 ms
    expect(Array.from({ length: 32 }, (_, c) => opusFrameSamples(toc(c)))).toEqual(expected);
  });

  it('counts frames by framing code: 1, 2 equal, 2 sized, and code 3 counts', () => {
    expect(samples(at([toc(1, 0), 1, 2, 3]))).toBe(960);
    expect(samples(at([toc(1, 1), 1, 2, 3, 4]))).toBe(1920);
    expect(samples(at([toc(1, 2), 1, 9, 8]))).toBe(1920);
    expect(samples(at([toc(16, 3), 5, 1, 2, 3, 4, 5]))).toBe(600); // five 2.5 ms CELT frames
    expect(opusFrameCount(at([toc(16, 3), 0x80 | 3, 1, 1, 0, 0]), 0, 6)).toBe(3);
  });

  it('takes a TOC-only packet (what Opus DTX sends) as one frame', () => {
    expect(samples(at([toc(15)]))).toBe(960);
  });

  it('refuses malformed framing and packets over 120 ms', () => {
    expect(samples(at([]))).toBe(-1);
    expect(samples(at([toc(1, 1), 1, 2, 3]))).toBe(-1); // code 1 needs two frames of equal size
    expect(samples(at([toc(1, 2)]))).toBe(-1); // code 2 needs a length byte
    expect(samples(at([toc(1, 3)]))).toBe(-1); // code 3 needs its count byte
    expect(samples(at([toc(1, 3), 0]))).toBe(-1); // zero frames
    expect(samples(at([toc(3, 3), 3, 1, 2, 3]))).toBe(-1); // 3 × 60 ms = 180 ms
    expect(samples(at([toc(16, 3), 48]))).toBe(5760); // 48 × 2.5 ms: exactly 120 ms
    expect(samples(at([toc(16, 3), 49]))).toBe(-1);
  });

  it('reads from an offset inside a larger buffer', () => {
    const bytes = at([0xff, 0xff, toc(1, 1), 7, 7, 0xff]);
    expect(opusPacketSamples(bytes, 2, 3)).toBe(1920);
  });
});

describe('the in-band FEC (LBRR) flag', () => {
  it('is set on most packets of a stream encoded with FEC and expected loss, and on none without', () => {
    for (const ms of [10, 20] as const) {
      const withFec = opusFixture(`speech-${ms}ms-fec`);
      const flagged = withFec.packets.filter((p) => opusFecSamples(p, 0, p.length) === ms * 48).length;
      // libopus leaves LBRR out where the previous frame was unvoiced or silent.
      expect(flagged / withFec.packets.length).toBeGreaterThan(0.6);
      const without = opusFixture(`speech-${ms}ms-nofec`);
      expect(without.packets.filter((p) => opusFecSamples(p, 0, p.length) > 0)).toHaveLength(0);
    }
  });

  it('is read behind code 2 and code 3 framing headers (lengths and padding)', () => {
    const packets = opusFixture('speech-20ms-fec').packets;
    const flagged = packets.find((p, i) => i > 10 && opusFecSamples(p, 0, p.length) > 0)!;
    const frame = flagged.subarray(1);
    const code2 = Uint8Array.from([(flagged[0]! & ~3) | 2, frame.length, ...frame, ...frame]);
    expect(opusFecSamples(code2, 0, code2.length)).toBe(960);
    // Code 3, VBR, padded: count 2 with the padding flag, 3 bytes of padding, first frame's length.
    const code3 = Uint8Array.from([(flagged[0]! & ~3) | 3, 0x80 | 0x40 | 2, 3, frame.length, ...frame, ...frame, 0, 0, 0]);
    expect(opusFecSamples(code3, 0, code3.length)).toBe(960);
  });

  it('is never read from CELT-only packets or empty frames', () => {
    expect(opusFecSamples(at([toc(31), 0xff, 0xff, 0xff]), 0, 4)).toBe(0);
    expect(opusFecSamples(at([toc(15)]), 0, 1)).toBe(0);
  });

  it('covers one Opus frame of a multi-frame packet (40, 60 ms), and reads stereo streams', () => {
    const lib = sharedLibOpus();
    const voice = speech();
    for (const [channels, frames] of [[1, 1920], [1, 2880], [2, 960]] as const) {
      const encoder = lib.createEncoder({ channels, fec: true });
      let flagged = 0;
      for (let k = 0; k < 100; k++) {
        const pcm = new Int16Array(frames * channels);
        for (let i = 0; i < frames; i++) for (let c = 0; c < channels; c++) pcm[i * channels + c] = Math.round(voice[48000 + k * frames + i]! * (c ? 9000 : 16000));
        const packet = encoder.encode(pcm);
        expect(samples(packet)).toBe(frames);
        const fec = opusFecSamples(packet, 0, packet.length);
        if (fec > 0) {
          flagged++;
          // FEC reaches back one Opus frame: at 32 kbps libopus sends 40 and 60 ms as 20 ms hybrid frames.
          expect(fec).toBe(opusFrameSamples(packet[0]!));
          expect(fec).toBe(960);
        }
      }
      encoder.destroy();
      expect(flagged).toBeGreaterThan(50);
    }
  });
});
