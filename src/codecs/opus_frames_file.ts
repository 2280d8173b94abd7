// A file of Opus packets (the test fixtures): "JLOP", then u16 samples per
// packet (48 kHz), u8 channels, u8 in-band FEC (0/1), u32 packet count, then
// each packet as u16 length and its bytes; little-endian throughout.

const MAGIC = 0x504f4c4a; // "JLOP"

export interface OpusFramesFile {
  packetSamples: number;
  channels: 1 | 2;
  fec: boolean;
  packets: Uint8Array[];
}

export function writeOpusFrames(file: OpusFramesFile): Uint8Array {
  const size = 12 + file.packets.reduce((sum, p) => sum + 2 + p.length, 0);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint16(4, file.packetSamples, true);
  view.setUint8(6, file.channels);
  view.setUint8(7, file.fec ? 1 : 0);
  view.setUint32(8, file.packets.length, true);
  let at = 12;
  for (const packet of file.packets) {
    view.setUint16(at, packet.length, true);
    bytes.set(packet, at + 2);
    at += 2 + packet.length;
  }
  return bytes;
}

export function readOpusFrames(bytes: Uint8Array, name = 'opus frames'): OpusFramesFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || view.getUint32(0, true) !== MAGIC) throw new Error(`${name}: not a JLOP file`);
  const channels = view.getUint8(6);
  if (channels !== 1 && channels !== 2) throw new Error(`${name}: ${channels} channels`);
  const count = view.getUint32(8, true);
  const packets: Uint8Array[] = [];
  let at = 12;
  for (let i = 0; i < count; i++) {
    if (at + 2 > bytes.length) throw new Error(`${name}: packet ${i} header at byte ${at} runs past the end`);
    const length = view.getUint16(at, true);
    if (at + 2 + length > bytes.length) throw new Error(`${name}: packet ${i} at byte ${at} runs past the end`);
    packets.push(bytes.slice(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return { packetSamples: view.getUint16(4, true), channels, fec: view.getUint8(7) === 1, packets };
}
