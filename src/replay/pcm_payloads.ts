// L16 payloads the engine cannot play as they are: stereo (a replay renders
// mono) or at a rate the engine does not upsample from (it plays 48 kHz
// divided by 1, 2, 3 or 6; L16's static payload types are 44.1 kHz). The
// stream's audio is laid out on its own timeline, mixed to mono, resampled to
// 48 kHz once with the worklet's windowed-sinc resampler, and cut back into
// one little-endian PCM16 payload per packet, covering that packet's span.

import { OutputResampler } from '../worklet/output_resampler.js';

/** One L16 packet: its big-endian payload and its timestamp, unwrapped and relative to the stream's first (ticks). */
export interface L16Packet {
  payload: Uint8Array;
  ticks: number;
}

/** Output rate of the engine, and so of the converted payloads. */
const OUTPUT_RATE = 48000;
/** Output frames resampled per call (the resampler's store holds 8192 input frames). */
const BLOCK_FRAMES = 2048;

/** The packets' audio as PCM16LE mono at 48 kHz, one payload per packet, in the same order. */
export function l16AsPcm16le48k(packets: readonly L16Packet[], clockRate: number, channels: 1 | 2): Uint8Array[] {
  const bytesPerTick = 2 * channels;
  let spanTicks = 0;
  for (const p of packets) spanTicks = Math.max(spanTicks, p.ticks + Math.floor(p.payload.length / bytesPerTick));
  // The stream's audio on its timeline (gaps stay silent), channels mixed.
  const timeline = new Float32Array(spanTicks);
  for (const p of packets) {
    const view = new DataView(p.payload.buffer, p.payload.byteOffset, p.payload.byteLength);
    const ticks = Math.floor(p.payload.length / bytesPerTick);
    for (let i = 0; i < ticks; i++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += view.getInt16((i * channels + c) * 2, false);
      timeline[p.ticks + i] = sum / channels / 32768;
    }
  }
  const outFrames = Math.ceil((spanTicks * OUTPUT_RATE) / clockRate);
  const resampled = new Float32Array(outFrames);
  if (clockRate === OUTPUT_RATE) resampled.set(timeline);
  else {
    const resampler = new OutputResampler(clockRate, OUTPUT_RATE, 1);
    let read = 0;
    const pull = (n: number): Float32Array[] => {
      const chunk = new Float32Array(n);
      chunk.set(timeline.subarray(read, Math.min(timeline.length, read + n)));
      read += n;
      return [chunk];
    };
    for (let at = 0; at < outFrames; at += BLOCK_FRAMES) {
      const frames = Math.min(BLOCK_FRAMES, outFrames - at);
      resampler.render([resampled.subarray(at, at + frames)], frames, pull);
    }
  }
  return packets.map((p) => {
    const start = Math.round((p.ticks * OUTPUT_RATE) / clockRate);
    const end = Math.round(((p.ticks + Math.floor(p.payload.length / bytesPerTick)) * OUTPUT_RATE) / clockRate);
    const bytes = new Uint8Array((end - start) * 2);
    const view = new DataView(bytes.buffer);
    for (let i = start; i < end; i++) view.setInt16((i - start) * 2, Math.max(-32768, Math.min(32767, Math.round(resampled[i] * 32768))), true);
    return bytes;
  });
}
