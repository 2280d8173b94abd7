// The soak's sender and network, generated on the fly from a seed (nothing is
// held but the packets in flight), as a packet input (src/replay/packet_input.ts):
//
// - 20 ms PCM16LE packets on a 48 kHz RTP clock (speech-like levels of a
//   400 Hz tone that continues across packets);
// - sender clock drift of +500 or −500 ppm (the sign flips at every SSRC change);
// - network transit of 30 ms plus jitter (mostly small, sometimes a spike of
//   up to 400 ms that drains over half a second: packets then arrive in clumps
//   and out of order), single packets held back (reordering), duplicates,
//   loss bursts of 1–10 packets, DTX pauses of 0.2–3 s (timestamps advance,
//   sequence numbers do not skip), outages of 1–10 s (packets lost, or one
//   time in three held and delivered at once when it ends), and a new SSRC
//   every 20–60 minutes starting just below the timestamp wrap, with fresh
//   random sequence numbers.
//
// The same seed gives the same packets, in the same order, whenever they are
// asked for.

import { SAMPLE_RATE } from '../../src/engine/contract.js';
import type { PacketInput } from '../../src/replay/packet_input.js';
import { seededRandom } from '../../src/seeded_random.js';
import { ArrivalQueue, type FlightPacket } from './arrival_queue.js';

/** 20 ms at 48 kHz: the packet of most voice calls. */
export const PACKET_FRAMES = 960;
export const PACKET_MS = 20;
/** Constant part of the network transit, frames (30 ms): no packet arrives sooner after it is sent. */
const BASE_TRANSIT_FRAMES = 30 * 48;
/** Per-packet chances of each fault (about every 10 s a loss burst, every 7 s a reordered packet...). */
const P = {
  lossBurst: 0.002,
  duplicate: 0.003,
  reorder: 0.003,
  dtx: 0.0005,
  outage: 0.00005,
  spike: 0.001,
};

/** What the network did, counted as it did it. */
export interface NetworkTally {
  sent: number;
  lost: number;
  duplicates: number;
  reordered: number;
  dtxPauses: number;
  outages: number;
  heldOutages: number;
  ssrcChanges: number;
  spikes: number;
  seqWraps: number;
  tsWraps: number;
}

/** PCM16LE payloads of a 400 Hz tone (exactly 8 cycles per 20 ms packet, so it continues across packets) at speech-like levels. */
function makePayloads(): Uint8Array[] {
  const levels = [0.7, 0.5, 0.3, 0.1, 0.02, 0.003]; // down to −50 dBFS: the stretcher's low-energy path
  return levels.map((amplitude) => {
    const bytes = new Uint8Array(PACKET_FRAMES * 2);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < PACKET_FRAMES; i++) view.setInt16(2 * i, Math.round(32767 * amplitude * Math.sin((2 * Math.PI * 400 * i) / SAMPLE_RATE)), true);
    return bytes;
  });
}

/** The sender and the network between it and the engine, as a packet input. */
export class HostileNetwork implements PacketInput<FlightPacket> {
  readonly tally: NetworkTally = { sent: 0, lost: 0, duplicates: 0, reordered: 0, dtxPauses: 0, outages: 0, heldOutages: 0, ssrcChanges: 0, spikes: 0, seqWraps: 0, tsWraps: 0 };
  private readonly random: () => number;
  private readonly payloads = makePayloads();
  private readonly queue = new ArrivalQueue();
  /** The sender's next send, real frames (48 kHz of true time). */
  private sendFrame = 0;
  private order = 0;
  /** Extra transit now, decaying. */
  private spikeFrames = 0;
  private spikeDecayPerPacket = 0;
  private lossLeft = 0;
  private level = 0;
  private ssrc = 0;
  private seq = 0;
  private ts = 0;
  private driftPpm = 500;
  private nextSsrcChangeFrame = Infinity;

  /** `ssrcEveryMinutes`: undefined for 20–60 minutes at random, 0 for one stream throughout (its timestamps unwrap past 2^32). */
  constructor(seed: number, private readonly ssrcEveryMinutes?: number) {
    this.random = seededRandom(seed);
    this.newStream(true);
  }

  nextArrivalFrame(): number {
    // A packet not generated yet arrives at least BASE_TRANSIT_FRAMES after the sender's
    // next send: once that is past the earliest queued arrival, the earliest is known.
    while (this.queue.size === 0 || this.sendFrame <= this.queue.peek()!.arrivalFrame) this.step();
    return this.queue.peek()!.arrivalFrame;
  }

  takePacket(): FlightPacket {
    this.nextArrivalFrame();
    return this.queue.pop()!;
  }

  private deliver(packet: Omit<FlightPacket, 'order'>): void {
    this.queue.push({ ...packet, order: this.order++ });
  }

  /** A new SSRC: fresh sequence numbers, a timestamp 0–600 s below the 2^32 wrap, drift of the other sign. */
  private newStream(first: boolean): void {
    const r = this.random;
    this.ssrc = Math.floor(r() * 0x1_0000_0000);
    this.seq = Math.floor(r() * 0x10000);
    this.ts = 0x1_0000_0000 - Math.floor(r() * 600 * SAMPLE_RATE) - PACKET_FRAMES;
    this.driftPpm = first ? 500 : -this.driftPpm;
    const minutes = this.ssrcEveryMinutes === undefined ? 20 + 40 * r() : this.ssrcEveryMinutes;
    this.nextSsrcChangeFrame = minutes > 0 ? this.sendFrame + minutes * 60 * SAMPLE_RATE : Infinity;
    if (!first) this.tally.ssrcChanges++;
  }

  /** Real frames one packet's audio spans on the sender's drifting clock. */
  private get realPerPacket(): number {
    return PACKET_FRAMES / (1 + this.driftPpm * 1e-6);
  }

  private advance(packets: number): void {
    for (let k = 0; k < packets; k++) {
      const seq = this.seq + 1;
      if (seq > 0xffff) this.tally.seqWraps++;
      this.seq = seq & 0xffff;
      const ts = this.ts + PACKET_FRAMES;
      if (ts >= 0x1_0000_0000) this.tally.tsWraps++;
      this.ts = ts % 0x1_0000_0000;
      this.sendFrame += this.realPerPacket;
    }
  }

  /** The sender's next packet through the network: zero or more arrivals (losses, duplicates). */
  private step(): void {
    const r = this.random;
    if (this.sendFrame >= this.nextSsrcChangeFrame) this.newStream(false);
    // DTX: the sender stops; the timestamp jumps, the sequence number does not.
    if (r() < P.dtx) {
      const pauseFrames = Math.round(((0.2 + 2.8 * r()) * SAMPLE_RATE) / PACKET_FRAMES) * PACKET_FRAMES;
      const ts = this.ts + pauseFrames;
      if (ts >= 0x1_0000_0000) this.tally.tsWraps++;
      this.ts = ts % 0x1_0000_0000;
      this.sendFrame += pauseFrames / (1 + this.driftPpm * 1e-6);
      this.tally.dtxPauses++;
    }
    // An outage: 1–10 s in which nothing arrives. Mostly the packets are lost; one time in
    // three the network held them and delivers them all at its end (a stalled link).
    if (r() < P.outage) {
      const packets = Math.round(((1 + 9 * r()) * 1000) / PACKET_MS);
      const held = r() < 1 / 3;
      const endFrame = this.sendFrame + packets * this.realPerPacket + BASE_TRANSIT_FRAMES;
      this.tally.outages++;
      this.tally.sent += packets;
      if (held) {
        this.tally.heldOutages++;
        for (let k = 0; k < packets; k++) {
          this.deliver({ sequenceNumber: this.seq, timestamp: this.ts, ssrc: this.ssrc, arrivalFrame: Math.round(endFrame), payload: this.payloads[this.level] });
          this.advance(1);
        }
      } else {
        this.tally.lost += packets;
        this.advance(packets);
      }
    }
    if (this.lossLeft === 0 && r() < P.lossBurst) this.lossLeft = 1 + Math.floor(r() * 10);
    if (r() < P.spike) {
      // A queue builds up to 50–400 ms (beyond the l4s ceiling) and drains over 0.5 s.
      this.spikeFrames = (50 + 350 * r()) * 48;
      this.spikeDecayPerPacket = this.spikeFrames / 25;
      this.tally.spikes++;
    }
    // Speech-like level changes every few packets.
    if (r() < 0.1) this.level = Math.floor(r() * this.payloads.length);

    this.tally.sent++;
    const transit = BASE_TRANSIT_FRAMES + r() * r() * r() * 40 * 48 + this.spikeFrames;
    this.spikeFrames = Math.max(0, this.spikeFrames - this.spikeDecayPerPacket);
    let arrivalFrame = Math.round(this.sendFrame + transit);
    if (this.lossLeft > 0) {
      this.lossLeft--;
      this.tally.lost++;
    } else {
      if (r() < P.reorder) {
        arrivalFrame += Math.round((20 + 60 * r()) * 48);
        this.tally.reordered++;
      }
      const packet = { sequenceNumber: this.seq, timestamp: this.ts, ssrc: this.ssrc, arrivalFrame, payload: this.payloads[this.level] };
      this.deliver(packet);
      if (r() < P.duplicate) {
        const copies = 1 + Math.floor(r() * 2);
        for (let c = 0; c < copies; c++) this.deliver({ ...packet, arrivalFrame: arrivalFrame + Math.round(r() * 100 * 48) });
        this.tally.duplicates += copies;
      }
    }
    this.advance(1);
  }
}
