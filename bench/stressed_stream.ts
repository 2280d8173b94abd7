// A hard stream for one engine. 20 ms voiced packets cross a network that
// delays each by 20–32 ms, one in a hundred by a further 30–70 ms, loses 5 %,
// so packets also arrive out of order; the target profile flips between
// classic (40 ms floor) and l4s (10 ms) every second. The buffer is therefore
// always moving towards a new target or covering a gap: accelerate,
// preemptive expand, concealment and merge keep happening. The network repeats
// every minute; sequence numbers and timestamps run on and wrap as RTP's do.
// Packets reach the engine through the feed loop (src/replay/feed_loop.ts).

import type { Engine, ProfileName } from '../src/engine/index.js';
import { FeedLoop } from '../src/replay/feed_loop.js';
import type { InputPacket, PacketInput } from '../src/replay/packet_input.js';
import { seededRandom } from '../src/seeded_random.js';
import { QUANTUM } from './steady_feed.js';
import { PACKET_FRAMES, SAMPLE_RATE } from './voiced_signal.js';

const LOSS = 0.05;
const BASE_DELAY_MS = 20;
const JITTER_MS = 12;
const SPIKE_SHARE = 0.01;
const SPIKE_MIN_MS = 30;
const SPIKE_SPREAD_MS = 40;
/** Packets in the repeating minute. */
const SCHEDULE_PACKETS = 3000;
const SCHEDULE_FRAMES = SCHEDULE_PACKETS * PACKET_FRAMES;
/** One profile switch per second of output. */
export const QUANTA_PER_SWITCH = SAMPLE_RATE / QUANTUM;

/** The minute's surviving packets in arrival order: index in the minute and arrival frame within it. */
interface Schedule {
  count: number;
  index: Int32Array;
  arrival: Float64Array;
}

function makeSchedule(seed: number): Schedule {
  const random = seededRandom(seed);
  const packets: { index: number; arrival: number }[] = [];
  for (let k = 0; k < SCHEDULE_PACKETS; k++) {
    if (random() < LOSS) continue;
    let delayMs = BASE_DELAY_MS + random() * JITTER_MS;
    if (random() < SPIKE_SHARE) delayMs += SPIKE_MIN_MS + random() * SPIKE_SPREAD_MS;
    packets.push({ index: k, arrival: k * PACKET_FRAMES + (delayMs * SAMPLE_RATE) / 1000 });
  }
  packets.sort((a, b) => a.arrival - b.arrival);
  return {
    count: packets.length,
    index: Int32Array.from(packets, (p) => p.index),
    arrival: Float64Array.from(packets, (p) => p.arrival),
  };
}

/** The repeating minute as a packet input: each repetition's packets in arrival order, late ones of a minute among the next one's first. */
export class StressedInput implements PacketInput {
  private readonly schedule: Schedule;
  /** Reused for every packet: the timed loop should not measure allocation of the harness's own objects. */
  private readonly packet: InputPacket = { sequenceNumber: 0, timestamp: 0, arrivalFrame: 0, payload: new Uint8Array(0) };
  /** Which repetition of the minute is playing, and the next packet of it and of the one after. */
  private minute = 0;
  private cursor = 0;
  private nextCursor = 0;

  constructor(private readonly payloads: Uint8Array[], seed: number) {
    this.schedule = makeSchedule(seed);
  }

  private arrivalIn(minute: number, at: number): number {
    return at < this.schedule.count ? minute * SCHEDULE_FRAMES + this.schedule.arrival[at] : Infinity;
  }

  nextArrivalFrame(): number {
    return Math.min(this.arrivalIn(this.minute, this.cursor), this.arrivalIn(this.minute + 1, this.nextCursor));
  }

  takePacket(): InputPacket {
    const thisMinute = this.arrivalIn(this.minute, this.cursor) <= this.arrivalIn(this.minute + 1, this.nextCursor);
    const minute = thisMinute ? this.minute : this.minute + 1;
    const at = thisMinute ? this.cursor++ : this.nextCursor++;
    if (this.cursor === this.schedule.count) {
      this.minute++;
      this.cursor = this.nextCursor;
      this.nextCursor = 0;
    }
    const k = minute * SCHEDULE_PACKETS + this.schedule.index[at];
    const p = this.packet;
    p.sequenceNumber = k & 0xffff;
    p.timestamp = (k * PACKET_FRAMES) % 0x1_0000_0000;
    p.arrivalFrame = minute * SCHEDULE_FRAMES + this.schedule.arrival[at];
    p.payload = this.payloads[k % this.payloads.length];
    return p;
  }
}

/** One engine fed the stressed stream through the feed loop, switching profile every second. */
export class StressedStream {
  private readonly loop: FeedLoop;
  private quanta = 0;
  private profile: ProfileName = 'classic';

  constructor(
    readonly engine: Engine,
    payloads: Uint8Array[],
    seed = 1,
  ) {
    this.loop = new FeedLoop(engine, new StressedInput(payloads, seed));
    engine.setProfile(this.profile);
  }

  /** Switches profile on the second, inserts every packet that has arrived, pulls one quantum into `out`. */
  quantum(out: Float32Array[]): void {
    if (this.quanta > 0 && this.quanta % QUANTA_PER_SWITCH === 0) {
      this.profile = this.profile === 'classic' ? 'l4s' : 'classic';
      this.engine.setProfile(this.profile);
    }
    this.loop.insertArrived();
    this.loop.pullInto(out, QUANTUM);
    this.quanta++;
  }
}
