// A hard stream for one engine. 20 ms voiced packets cross a network that
// delays each by 20–32 ms, one in a hundred by a further 30–70 ms, loses 5 %,
// so packets also arrive out of order; the target profile flips between
// classic (40 ms floor) and l4s (10 ms) every second. The buffer is therefore
// always moving towards a new target or covering a gap: accelerate,
// preemptive expand, concealment and merge keep happening. The network repeats
// every minute; sequence numbers and timestamps run on and wrap as RTP's do.

import type { Engine, PacketInfo, ProfileName } from '../src/engine/index.js';
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

export class StressedStream {
  private readonly schedule: Schedule;
  private readonly info: Required<Pick<PacketInfo, 'sequenceNumber' | 'timestamp' | 'arrivalFrame'>> = { sequenceNumber: 0, timestamp: 0, arrivalFrame: 0 };
  private now = 0;
  private quanta = 0;
  private profile: ProfileName = 'classic';
  /** Which repetition of the minute is playing, and the next packet of it and of the one after (late ones of this minute overlap the next one's first). */
  private minute = 0;
  private cursor = 0;
  private nextCursor = 0;

  constructor(
    readonly engine: Engine,
    private readonly payloads: Uint8Array[],
    seed = 1,
  ) {
    this.schedule = makeSchedule(seed);
    engine.setProfile(this.profile);
  }

  /** Switches profile on the second, inserts every packet that has arrived, pulls one quantum into `out`. */
  quantum(out: Float32Array[]): void {
    if (this.quanta > 0 && this.quanta % QUANTA_PER_SWITCH === 0) {
      this.profile = this.profile === 'classic' ? 'l4s' : 'classic';
      this.engine.setProfile(this.profile);
    }
    this.insertArrived();
    this.engine.pullInto(out, QUANTUM);
    this.now += QUANTUM;
    this.quanta++;
  }

  private insertArrived(): void {
    const s = this.schedule;
    const start = this.minute * SCHEDULE_FRAMES;
    while (this.cursor < s.count && start + s.arrival[this.cursor] <= this.now) this.send(this.minute, this.cursor++);
    while (this.nextCursor < s.count && start + SCHEDULE_FRAMES + s.arrival[this.nextCursor] <= this.now) this.send(this.minute + 1, this.nextCursor++);
    if (this.cursor === s.count) {
      this.minute++;
      this.cursor = this.nextCursor;
      this.nextCursor = 0;
    }
  }

  private send(minute: number, at: number): void {
    const k = minute * SCHEDULE_PACKETS + this.schedule.index[at];
    this.info.sequenceNumber = k & 0xffff;
    this.info.timestamp = (k * PACKET_FRAMES) % 0x1_0000_0000;
    this.info.arrivalFrame = minute * SCHEDULE_FRAMES + this.schedule.arrival[at];
    this.engine.insert(this.payloads[k % this.payloads.length], this.info);
  }
}
