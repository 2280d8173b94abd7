// Reading an Opus packet without decoding it (RFC 6716 §3): how long its audio
// is, whether it is well-formed enough to hand to a decoder, and whether it
// carries in-band FEC (SILK LBRR) for the packet before it. Numbers in, numbers
// out, no allocation: these run on the audio thread for every packet.

/** Opus's longest packet: 120 ms at 48 kHz. */
export const OPUS_MAX_PACKET_FRAMES = 5760;

/** Samples per frame at 48 kHz for a TOC byte (RFC 6716 Table 2). */
export function opusFrameSamples(toc: number): number {
  const config = toc >> 3;
  if (config < 12) return [480, 960, 1920, 2880][config & 3]; // SILK-only: 10, 20, 40, 60 ms
  if (config < 16) return (config & 1) === 0 ? 480 : 960; // hybrid: 10, 20 ms
  return 120 << (config & 3); // CELT-only: 2.5, 5, 10, 20 ms
}

/** Frames (Opus frames, not samples) in a packet, or -1 when its framing is malformed. */
export function opusFrameCount(bytes: Uint8Array, offset: number, length: number): number {
  if (length < 1) return -1;
  const code = bytes[offset] & 3;
  if (code === 0) return 1;
  if (code === 1) return (length - 1) % 2 === 0 ? 2 : -1; // two frames of equal size
  if (code === 2) return length >= 2 ? 2 : -1;
  if (length < 2) return -1;
  const count = bytes[offset + 1] & 0x3f;
  return count >= 1 ? count : -1;
}

/**
 * Samples per channel at 48 kHz the packet decodes to, or -1 when it cannot be
 * a valid packet (no TOC, broken framing, over 120 ms). A 1-byte packet (TOC
 * only, what Opus DTX sends) is valid: it decodes to one frame of concealment.
 */
export function opusPacketSamples(bytes: Uint8Array, offset: number, length: number): number {
  const count = opusFrameCount(bytes, offset, length);
  if (count < 0) return -1;
  const samples = count * opusFrameSamples(bytes[offset]);
  return samples <= OPUS_MAX_PACKET_FRAMES ? samples : -1;
}

/** Byte offset of the first frame's data within the packet, or -1 when the framing is malformed (RFC 6716 §3.2). */
function firstFrameOffset(bytes: Uint8Array, offset: number, length: number): number {
  const code = bytes[offset] & 3;
  if (code === 0 || code === 1) return 1;
  if (code === 2) return bytes[offset + 1] >= 252 ? 3 : 2; // one- or two-byte length of frame 1
  let at = 2;
  const header = bytes[offset + 1];
  if (header & 0x40) {
    // Padding length: bytes of 255 continue it.
    let more = true;
    while (more && at < length) {
      more = bytes[offset + at] === 255;
      at++;
    }
  }
  if (header & 0x80) {
    // VBR: the lengths of all frames but the last.
    const count = header & 0x3f;
    for (let i = 0; i < count - 1 && at < length; i++) at += bytes[offset + at] >= 252 ? 2 : 1;
  }
  return at <= length ? at : -1;
}

/**
 * Samples per channel of the previous packet's audio this packet's in-band FEC
 * recovers (one frame's worth), or 0 when it carries none. The LBRR flag sits
 * right after the SILK voice-activity flags at the very start of the first
 * frame's range-coded data (RFC 6716 §4.2.3, §4.2.4), so a few steps of the
 * range decoder (§4.1) read it. CELT-only packets never carry LBRR.
 */
export function opusFecSamples(bytes: Uint8Array, offset: number, length: number): number {
  if (opusPacketSamples(bytes, offset, length) <= 0) return 0;
  const toc = bytes[offset];
  const config = toc >> 3;
  if (config >= 16) return 0;
  const start = firstFrameOffset(bytes, offset, length);
  if (start < 0 || start >= length) return 0; // an empty frame: DTX or concealment, no LBRR
  const frameSamples = opusFrameSamples(toc);
  // SILK codes 10 and 20 ms as one frame, 40 and 60 ms as two and three 20 ms frames.
  const silkFrames = frameSamples <= 960 ? 1 : frameSamples / 960;
  const decoder = rangeDecoder;
  decoder.init(bytes, offset + start, offset + length);
  for (let i = 0; i < silkFrames; i++) decoder.bit(); // voice activity of each SILK frame (mid channel)
  return decoder.bit() === 1 ? frameSamples : 0;
}

/** The start of libopus's range decoder (RFC 6716 §4.1), enough to read equiprobable bits. */
class RangeBitReader {
  private bytes: Uint8Array = new Uint8Array(0);
  private at = 0;
  private end = 0;
  private rng = 0;
  private val = 0;
  private rem = 0;

  init(bytes: Uint8Array, at: number, end: number): void {
    this.bytes = bytes;
    this.at = at;
    this.end = end;
    this.rng = 128;
    this.rem = this.readByte();
    this.val = this.rng - 1 - (this.rem >> 1);
    this.normalize();
  }

  /** One symbol of probability 1/2 (ec_dec_bit_logp with logp = 1). */
  bit(): number {
    const s = Math.floor(this.rng / 2);
    const one = this.val < s;
    if (!one) this.val -= s;
    this.rng = one ? s : this.rng - s;
    this.normalize();
    return one ? 1 : 0;
  }

  private readByte(): number {
    return this.at < this.end ? this.bytes[this.at++] : 0;
  }

  private normalize(): void {
    while (this.rng <= 0x800000) {
      this.rng *= 256;
      const sym = ((this.rem << 8) | (this.rem = this.readByte())) >> 1;
      this.val = (this.val * 256 + (255 & ~sym)) % 0x80000000;
    }
  }
}

// One reader for every call: it is reset by init(), so nothing is allocated per packet.
const rangeDecoder = new RangeBitReader();
