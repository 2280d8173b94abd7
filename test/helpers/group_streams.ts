// Streams for the group tests, each with timing of its own: a seeded
// generator gives every packet a one-way delay (a base, exponential jitter,
// now and then a loss, and for some streams an outage whose packets then
// arrive in one burst). Payloads are the committed Opus fixture (20 ms, FEC)
// or a PCM16 tone of the stream's own frequency. Arrivals are in context
// frames at 48 kHz, as a page stamps them.

import { seededRandom } from '../../src/seeded_random.js';
import { opusFixture } from './opus_fixtures.js';

export interface TimedPacket {
  payload: Uint8Array;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  /** Context frame (48 kHz) at which the packet arrives. */
  arrivalFrame: number;
}

export interface TestStream {
  id: string;
  codec: 'opus' | 'PCM16LE';
  packets: TimedPacket[];
}

const FRAME = 960; // 20 ms at 48 kHz

/** A PCM16LE 20 ms payload of a tone. */
function tonePayload(k: number, hz: number): Uint8Array {
  const bytes = new Uint8Array(FRAME * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < FRAME; i++) view.setInt16(i * 2, Math.round(6000 * Math.sin((2 * Math.PI * hz * (k * FRAME + i)) / 48000)), true);
  return bytes;
}

/**
 * Stream `index` of a call: `seconds` of packets, Opus or PCM, with its own
 * seed; every third stream has a 400 ms outage released as a burst.
 */
export function testStream(index: number, codec: 'opus' | 'PCM16LE', seconds: number): TestStream {
  const random = seededRandom(1000 + index * 7919);
  const opus = codec === 'opus' ? opusFixture('speech-20ms-fec').packets : null;
  const count = Math.floor((seconds * 1000) / 20);
  const baseMs = 20 + 10 * (index % 4);
  const jitterMs = 3 + (index % 5) * 4;
  const outageAt = index % 3 === 0 ? Math.floor(count / 2) : -1;
  const packets: TimedPacket[] = [];
  for (let k = 0; k < count; k++) {
    if (random() < 0.01) continue; // lost
    let delayMs = baseMs - Math.log(1 - random()) * jitterMs;
    // An outage: the packets sent during it all arrive when it ends.
    if (outageAt >= 0 && k >= outageAt && k < outageAt + 20) delayMs = baseMs + (outageAt + 20 - k) * 20;
    const payload = opus ? opus[k % opus.length] : tonePayload(k, 300 + 100 * index);
    packets.push({ payload, sequenceNumber: k & 0xffff, timestamp: (k * FRAME) >>> 0, ssrc: 0x10000 + index, arrivalFrame: Math.round(k * FRAME + delayMs * 48) });
  }
  packets.sort((a, b) => a.arrivalFrame - b.arrivalFrame);
  return { id: `talker-${index}`, codec, packets };
}
