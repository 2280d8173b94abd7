/** WAVE_FORMAT_PCM: integer samples. */
const FORMAT_PCM = 1;
/** WAVE_FORMAT_IEEE_FLOAT: float samples. */
const FORMAT_IEEE_FLOAT = 3;
/** WAVE_FORMAT_EXTENSIBLE: the real format tag is the first two bytes of the sub-format GUID. */
const FORMAT_EXTENSIBLE = 0xfffe;

const RIFF_HEADER_BYTES = 12;
const CHUNK_HEADER_BYTES = 8;
/** Non-PCM formats carry a cbSize field, so their fmt chunk is 18 bytes rather than 16. */
const FLOAT_FMT_CHUNK_BYTES = 18;
const FACT_CHUNK_BYTES = 4;
const MAX_CHUNK_BYTES = 0xffffffff;

/** A decoded WAV file. */
export interface DecodedWav {
  sampleRate: number;
  channels: number;
  /** Samples in [-1, 1] (float files may exceed it), channels interleaved. */
  samples: Float32Array;
}

function writeFourCC(view: DataView, offset: number, code: string): void {
  for (let i = 0; i < 4; i++) view.setUint8(offset + i, code.charCodeAt(i));
}

function readFourCC(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3]);
}

/**
 * A 32-bit IEEE float WAV file (format 3, with the `fact` chunk that non-PCM
 * formats require) holding `interleaved` as is, so a replay's output can be
 * saved without losing the bits its SHA-256 fingerprint was taken over.
 */
export function encodeWav(interleaved: Float32Array, channels: number, sampleRate: number): Uint8Array {
  if (!Number.isInteger(channels) || channels < 1 || channels > 0xffff) {
    throw new Error(`encodeWav: channels must be an integer in 1..65535, got ${channels}`);
  }
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > MAX_CHUNK_BYTES) {
    throw new Error(`encodeWav: sampleRate must be a positive integer, got ${sampleRate}`);
  }
  if (interleaved.length % channels !== 0) {
    throw new Error(
      `encodeWav: ${interleaved.length} samples are not a whole number of ${channels}-channel frames`,
    );
  }
  const bytesPerSample = 4;
  const frames = interleaved.length / channels;
  const dataBytes = interleaved.length * bytesPerSample;
  const totalBytes =
    RIFF_HEADER_BYTES +
    CHUNK_HEADER_BYTES + FLOAT_FMT_CHUNK_BYTES +
    CHUNK_HEADER_BYTES + FACT_CHUNK_BYTES +
    CHUNK_HEADER_BYTES + dataBytes;
  if (totalBytes - CHUNK_HEADER_BYTES > MAX_CHUNK_BYTES) {
    throw new Error(`encodeWav: ${dataBytes} bytes of audio exceed the 4 GiB limit of a RIFF file`);
  }

  const bytes = new Uint8Array(totalBytes);
  const view = new DataView(bytes.buffer);
  let offset = 0;
  writeFourCC(view, offset, 'RIFF');
  view.setUint32(offset + 4, totalBytes - CHUNK_HEADER_BYTES, true);
  writeFourCC(view, offset + 8, 'WAVE');
  offset += RIFF_HEADER_BYTES;

  writeFourCC(view, offset, 'fmt ');
  view.setUint32(offset + 4, FLOAT_FMT_CHUNK_BYTES, true);
  view.setUint16(offset + 8, FORMAT_IEEE_FLOAT, true);
  view.setUint16(offset + 10, channels, true);
  view.setUint32(offset + 12, sampleRate, true);
  view.setUint32(offset + 16, sampleRate * channels * bytesPerSample, true);
  view.setUint16(offset + 20, channels * bytesPerSample, true);
  view.setUint16(offset + 22, bytesPerSample * 8, true);
  view.setUint16(offset + 24, 0, true);
  offset += CHUNK_HEADER_BYTES + FLOAT_FMT_CHUNK_BYTES;

  writeFourCC(view, offset, 'fact');
  view.setUint32(offset + 4, FACT_CHUNK_BYTES, true);
  view.setUint32(offset + 8, frames, true);
  offset += CHUNK_HEADER_BYTES + FACT_CHUNK_BYTES;

  writeFourCC(view, offset, 'data');
  view.setUint32(offset + 4, dataBytes, true);
  offset += CHUNK_HEADER_BYTES;
  for (let i = 0; i < interleaved.length; i++) {
    view.setFloat32(offset + i * bytesPerSample, interleaved[i], true);
  }
  return bytes;
}

interface WavFormat {
  formatTag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

function parseFmtChunk(view: DataView, offset: number, size: number): WavFormat {
  if (size < 16) throw new Error(`decodeWav: fmt chunk is ${size} bytes, at least 16 expected`);
  let formatTag = view.getUint16(offset, true);
  if (formatTag === FORMAT_EXTENSIBLE) {
    if (size < 40) {
      throw new Error(`decodeWav: WAVE_FORMAT_EXTENSIBLE fmt chunk is ${size} bytes, 40 expected`);
    }
    formatTag = view.getUint16(offset + 24, true);
  }
  return {
    formatTag,
    channels: view.getUint16(offset + 2, true),
    sampleRate: view.getUint32(offset + 4, true),
    blockAlign: view.getUint16(offset + 12, true),
    bitsPerSample: view.getUint16(offset + 14, true),
  };
}

/** Reads one sample at a byte offset and scales it to [-1, 1). */
type SampleReader = (view: DataView, offset: number) => number;

function sampleReaderFor(format: WavFormat): SampleReader {
  const { formatTag, bitsPerSample } = format;
  if (formatTag === FORMAT_PCM && bitsPerSample === 16) {
    return (view, offset) => view.getInt16(offset, true) / 0x8000;
  }
  if (formatTag === FORMAT_PCM && bitsPerSample === 24) {
    return (view, offset) => {
      const unsigned =
        view.getUint8(offset) | (view.getUint8(offset + 1) << 8) | (view.getUint8(offset + 2) << 16);
      // Shifting the top byte into bit 31 and back sign-extends the 24-bit value.
      return ((unsigned << 8) >> 8) / 0x800000;
    };
  }
  if (formatTag === FORMAT_PCM && bitsPerSample === 32) {
    return (view, offset) => view.getInt32(offset, true) / 0x80000000;
  }
  if (formatTag === FORMAT_IEEE_FLOAT && bitsPerSample === 32) {
    return (view, offset) => view.getFloat32(offset, true);
  }
  throw new Error(
    `decodeWav: unsupported sample format (format tag ${formatTag}, ${bitsPerSample} bits); ` +
      'supported are PCM 16, 24 and 32-bit integer and 32-bit IEEE float',
  );
}

/**
 * Decodes a WAV file holding PCM 16, 24 or 32-bit integer or 32-bit float
 * samples (plain or WAVE_FORMAT_EXTENSIBLE) to float samples, channels
 * interleaved. Chunks other than `fmt ` and `data` are skipped. Malformed
 * input throws an Error saying what is wrong.
 */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  if (bytes.length < RIFF_HEADER_BYTES) {
    throw new Error(`decodeWav: ${bytes.length} bytes is too short for a RIFF header`);
  }
  if (readFourCC(bytes, 0) !== 'RIFF' || readFourCC(bytes, 8) !== 'WAVE') {
    throw new Error('decodeWav: not a RIFF/WAVE file (missing "RIFF" or "WAVE" signature)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  let format: WavFormat | null = null;
  let data: { offset: number; size: number } | null = null;
  // Walk every chunk rather than trusting the RIFF size, which some writers leave wrong.
  let offset = RIFF_HEADER_BYTES;
  while (offset + CHUNK_HEADER_BYTES <= bytes.length) {
    const id = readFourCC(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const bodyOffset = offset + CHUNK_HEADER_BYTES;
    if (bodyOffset + size > bytes.length) {
      throw new Error(
        `decodeWav: "${id}" chunk at byte ${offset} declares ${size} bytes but only ` +
          `${bytes.length - bodyOffset} remain (truncated file?)`,
      );
    }
    if (id === 'fmt ') format = parseFmtChunk(view, bodyOffset, size);
    if (id === 'data') data = { offset: bodyOffset, size };
    // Chunks are padded to an even length.
    offset = bodyOffset + size + (size % 2);
  }

  if (format === null) throw new Error('decodeWav: no "fmt " chunk');
  if (data === null) throw new Error('decodeWav: no "data" chunk');
  const { channels, sampleRate, blockAlign, bitsPerSample } = format;
  if (channels < 1) throw new Error('decodeWav: fmt chunk declares 0 channels');
  if (sampleRate < 1) throw new Error('decodeWav: fmt chunk declares a sample rate of 0');
  const readSample = sampleReaderFor(format);
  const bytesPerSample = bitsPerSample / 8;
  if (blockAlign !== channels * bytesPerSample) {
    throw new Error(
      `decodeWav: block align ${blockAlign} does not match ${channels} channels of ${bitsPerSample} bits`,
    );
  }
  if (data.size % blockAlign !== 0) {
    throw new Error(`decodeWav: data chunk of ${data.size} bytes is not a whole number of ${blockAlign}-byte frames`);
  }

  const samples = new Float32Array(data.size / bytesPerSample);
  for (let i = 0; i < samples.length; i++) {
    samples[i] = readSample(view, data.offset + i * bytesPerSample);
  }
  return { sampleRate, channels, samples };
}
