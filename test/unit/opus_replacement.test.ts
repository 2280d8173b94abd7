// The Opus replacement audio (src/replay/opus_replacement.ts) is encoded once
// per process for each content, frame size and FEC setting, and reused by
// every later replay: a second replay of a long trace does not pay for it.

import { describe, expect, it } from 'vitest';
import { opusLoopPackets } from '../../src/replay/opus_replacement.js';

/** 0.1 s of a 300 Hz tone at half scale, 48 kHz mono PCM16 (five 20 ms packets). */
function toneLoop(hz = 300): Int16Array {
  return Int16Array.from({ length: 4800 }, (_, i) => Math.round(16384 * Math.sin((2 * Math.PI * hz * i) / 48000)));
}

describe('opusLoopPackets', () => {
  it('cuts the loop into whole packets: 4800 samples are five 20 ms packets, or two 40 ms ones (the tail left out)', () => {
    expect(opusLoopPackets(toneLoop(), 960, true)).toHaveLength(5);
    expect(opusLoopPackets(toneLoop(), 1920, true)).toHaveLength(2);
  });

  it('encodes a content once: the same samples in another array get the very same packets back', () => {
    const first = opusLoopPackets(toneLoop(), 960, true);
    expect(opusLoopPackets(toneLoop(), 960, true)).toBe(first);
  });

  it('keeps contents and settings apart: another tone, or FEC off, is encoded on its own', () => {
    const withFec = opusLoopPackets(toneLoop(), 960, true);
    expect(opusLoopPackets(toneLoop(440), 960, true)).not.toBe(withFec);
    const withoutFec = opusLoopPackets(toneLoop(), 960, false);
    expect(withoutFec).not.toBe(withFec);
    expect(withoutFec).toHaveLength(5);
  });
});
