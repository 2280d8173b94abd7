// The replacement payload of one packet: little-endian PCM16 frames of a
// looped speech sample. No Node imports: the browser replay page uses it too.

/** `frames` samples of `speech`, looped, starting at sample `startFrame` of the sender's timeline. */
export function loopedPcm16(speech: Int16Array, startFrame: number, frames: number): Uint8Array {
  const bytes = new Uint8Array(frames * 2);
  const view = new DataView(bytes.buffer);
  let index = ((Math.round(startFrame) % speech.length) + speech.length) % speech.length;
  for (let i = 0; i < frames; i++) {
    view.setInt16(i * 2, speech[index], true);
    index++;
    if (index === speech.length) index = 0;
  }
  return bytes;
}
