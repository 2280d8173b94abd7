// The speech sample in the form the package ships it: lossless, 46 % of the
// WAV's size. Each sample is predicted from the three before it (FLAC's
// order-3 fixed predictor, 3a − 3b + c), the residual zigzag-mapped to an
// unsigned 16-bit value, its high bytes then its low bytes stored as two
// planes (the high plane is nearly all zeros), and the planes compressed with
// Brotli. The sample's dither noise bounds what any lossless coder can do
// (an order-32 LPC would reach about 31 %); this gets most of it in a few
// lines. Layout, little-endian: "JLSP", u32 sample rate, u32 sample count,
// then the Brotli stream. Node only (node:zlib).

import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

/** "JLSP" read as a little-endian u32. */
const MAGIC = 0x50534c4a;
const HEADER_BYTES = 12;
/** Brotli quality 5: 81 ms at build time for 878 KB; quality 11 saves 6 % more for 7 s. */
const BROTLI_QUALITY = 5;

/** Mono 16-bit PCM and its rate. */
export interface SpeechPcm {
  sampleRate: number;
  samples: Int16Array;
}

/** `pcm` as a JLSP file. */
export function encodeSpeechFile(pcm: SpeechPcm): Uint8Array {
  const n = pcm.samples.length;
  const planes = new Uint8Array(2 * n);
  let a = 0;
  let b = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const x = pcm.samples[i];
    const residual = x - (3 * a - 3 * b + c);
    const zigzag = residual >= 0 ? 2 * residual : -2 * residual - 1;
    // Speech stays far inside (the shipped sample's largest is 7409); a signal that does not is refused, never stored wrong.
    if (zigzag > 0xffff) throw new Error(`encodeSpeechFile: sample ${i} is too far from its prediction (${residual}) for 16 bits`);
    planes[i] = zigzag >> 8;
    planes[n + i] = zigzag & 0xff;
    c = b;
    b = a;
    a = x;
  }
  const body = brotliCompressSync(planes, { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: planes.length } });
  const out = new Uint8Array(HEADER_BYTES + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, pcm.sampleRate, true);
  view.setUint32(8, n, true);
  out.set(body, HEADER_BYTES);
  return out;
}

/** The PCM of a JLSP file, exactly as it was encoded. */
export function decodeSpeechFile(bytes: Uint8Array): SpeechPcm {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < HEADER_BYTES || view.getUint32(0, true) !== MAGIC) throw new Error('not a JLSP speech file');
  const sampleRate = view.getUint32(4, true);
  const n = view.getUint32(8, true);
  const planes = brotliDecompressSync(bytes.subarray(HEADER_BYTES));
  if (planes.length !== 2 * n) throw new Error(`JLSP speech file: ${planes.length} bytes of planes for ${n} samples`);
  const samples = new Int16Array(n);
  let a = 0;
  let b = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const zigzag = (planes[i] << 8) | planes[n + i];
    const residual = zigzag & 1 ? -((zigzag + 1) >> 1) : zigzag >> 1;
    const x = residual + (3 * a - 3 * b + c);
    samples[i] = x;
    c = b;
    b = a;
    a = x;
  }
  return { sampleRate, samples };
}
