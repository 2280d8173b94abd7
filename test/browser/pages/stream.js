// A deterministic test stream shared by the browser pages and the Node side of
// the browser tests: 20 ms PCM16LE packets of a 1 kHz tone (amplitude 0.5) at
// 48 kHz, arriving every 20 ms with a few ms of seeded jitter, one packet in
// 50 lost. Plain JavaScript so the page can import it as is.

/** Packets of `seconds` of stream: { payload: Uint8Array, sequenceNumber, timestamp, arrivalFrame }. */
export function toneStream(seconds, { frequency = 1000, amplitude = 0.5, jitterMs = 4, lossEvery = 50, seed = 7 } = {}) {
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  const packets = [];
  const count = Math.round((seconds * 1000) / 20);
  for (let k = 0; k < count; k++) {
    const jitter = random() * jitterMs;
    if (lossEvery > 0 && k % lossEvery === lossEvery - 1) continue;
    const payload = new Uint8Array(960 * 2);
    const view = new DataView(payload.buffer);
    for (let i = 0; i < 960; i++) {
      const n = k * 960 + i;
      view.setInt16(i * 2, Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * frequency * n) / 48000)), true);
    }
    packets.push({ payload, sequenceNumber: (1000 + k) & 0xffff, timestamp: (k * 960) >>> 0, arrivalFrame: Math.round((k * 20 + 5 + jitter) * 48) });
  }
  packets.sort((a, b) => a.arrivalFrame - b.arrivalFrame);
  return packets;
}

/** Amplitude of frequency f in x at rate fs (Goertzel). */
export function amplitudeAt(x, f, fs) {
  const w = (2 * Math.PI * f) / fs;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s0 = x[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - coeff * s1 * s2))) / x.length;
}

/** SHA-256 hex of a Float32Array's bytes (Web Crypto in the page, node:crypto's webcrypto in Node). */
export async function sha256(floats) {
  const bytes = new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength);
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
