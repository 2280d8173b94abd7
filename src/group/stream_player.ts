// One stream of a group processor, on the audio thread: its engine (and, for
// Opus, its decoder in the scope's libopus), the rings its packets come in on,
// its gain and output. Everything is reserved in the constructor (between
// render calls); drain() allocates nothing. The processor pulls its engine and
// mixes it (src/group/group_processor.ts). Each stream drains its own rings
// only, at most MAX_PACKETS_PER_QUANTUM a quantum, so one stream's burst is
// never in another's way.

import type { LibOpus } from '../codecs/libopus.js';
import { SAMPLE_RATE, STAT_NOW_FRAMES } from '../engine/contract.js';
import { insertFlags, type Engine, type EngineModule } from '../engine/index.js';
import { HEADER_ARRIVAL, HEADER_COMFORT_NOISE, HEADER_FIELDS, HEADER_MARKER, HEADER_REDUNDANT_COPY, HEADER_SEQUENCE, HEADER_SSRC, HEADER_TIMESTAMP, PacketRing, READ_EMPTY } from '../transport/index.js';
import type { StreamSpec } from './group_messages.js';

/** Packets a stream drains per quantum at most, so a flood cannot stall one render call. */
const MAX_PACKETS_PER_QUANTUM = 512;

/**
 * One way packets reach a stream: a ring, and whether the packet read from it
 * last is still waiting for its arrival. Only one source of a stream holds a
 * packet at a time, in the engine's own input area (see drainSource()).
 */
class StreamSource {
  readonly ring: PacketRing;
  readonly header = new Float64Array(HEADER_FIELDS);
  /** Bytes of the packet waiting in the engine's input area; −1: none. */
  heldLength = -1;

  constructor(ring: PacketRing) {
    this.ring = ring;
  }
}

/** One stream of the mix. */
export class StreamPlayer {
  readonly key: number;
  readonly engine: Engine;
  /** Output of the node the stream plays into. */
  readonly output: number;
  gain: number;
  /** The stream's own ring first, then those of producers attached (a receiver takeover's worker). */
  readonly sources: StreamSource[] = [];
  /** Engine frames (48 kHz) per context frame. */
  private readonly engineFramesPerContextFrame: number;
  /**
   * The context frame the quantum being rendered starts at. Arrival stamps
   * (context frames) are mapped onto the engine's clock by their age against
   * it, as the single-stream processor does: Chromium calls process() only
   * for quanta in which the node is pulled, so an engine clock counted from
   * the first quantum would fall behind the context's for good.
   */
  quantumStartFrame = 0;

  constructor(spec: StreamSpec, module: EngineModule, opus: LibOpus | undefined, contextRate: number) {
    this.key = spec.key;
    this.output = spec.output;
    this.gain = spec.gain;
    this.engine = module.createEngine({
      codec: spec.codec,
      opus,
      channels: spec.channels,
      clockRate: spec.clockRate,
      payloadRate: spec.payloadRate,
      profile: spec.profile,
      slots: spec.slots,
      slotBytes: spec.slotBytes,
    });
    const ring = spec.ring ? new PacketRing(spec.ring) : PacketRing.create(spec.ringBytes, false);
    this.sources.push(new StreamSource(ring));
    this.engineFramesPerContextFrame = SAMPLE_RATE / contextRate;
  }

  /** The stream's own ring (port batches are appended to it). */
  get ring(): PacketRing {
    return this.sources[0].ring;
  }

  /** Adds a producer's ring (between render calls). */
  addSource(ring: PacketRing): void {
    this.sources.push(new StreamSource(ring));
  }

  /**
   * Moves packets from every source into the engine. A packet stamped with an
   * arrival still in the future is held until the stream's clock passes it,
   * as in the single-stream processor and the Node replay. It is read straight
   * into the engine's input area, where nothing else writes (each engine has
   * its own, and growing the memory keeps its bytes at their address), so a
   * packet is copied once, ring to engine; while it waits there, the stream's
   * later sources wait too (their packets would overwrite it).
   */
  drain(): void {
    for (let i = 0; i < this.sources.length; i++) if (!this.drainSource(this.sources[i])) return;
  }

  /** Inserts what is due from one source; false when a packet of it waits for its arrival. */
  private drainSource(source: StreamSource): boolean {
    // Read here, straight from the stats block (a view): a double passed as an argument to a
    // call that is not inlined would be boxed, an allocation.
    const now = this.engine.statsView[STAT_NOW_FRAMES];
    const h = source.header;
    for (let i = 0; i < MAX_PACKETS_PER_QUANTUM; i++) {
      if (source.heldLength < 0) {
        const length = source.ring.read(this.engine.inputView, h, this.engine.inputWords);
        if (length === READ_EMPTY) return true;
        if (length < 0) continue; // too large for the engine: the ring counted it
        source.heldLength = length;
      }
      // An arrival stamp is in context frames: its age against this quantum, on the engine clock.
      // Unstamped packets pass −1 (the engine takes its own clock): a Smi, not a boxed double.
      const stamped = h[HEADER_ARRIVAL];
      const arrival = Number.isNaN(stamped) ? -1 : Math.max(0, now + (stamped - this.quantumStartFrame) * this.engineFramesPerContextFrame);
      if (arrival > now) return false;
      // The marker bit goes in (it ends a pause, or starts a restarted stream), and whether the payload is comfort noise or a RED copy.
      const flags = insertFlags(h[HEADER_MARKER] === 1, h[HEADER_COMFORT_NOISE] === 1, h[HEADER_REDUNDANT_COPY] === 1);
      this.engine.insertWritten(source.heldLength, h[HEADER_SEQUENCE], h[HEADER_TIMESTAMP], h[HEADER_SSRC], arrival, flags);
      source.heldLength = -1;
    }
    return true;
  }

  /** Ring overflows and oversize records over every source. */
  ringCounts(): { ringOverflow: number; ringOversize: number } {
    let ringOverflow = 0;
    let ringOversize = 0;
    for (const source of this.sources) {
      ringOverflow += source.ring.overflowCount;
      ringOversize += source.ring.oversizeCount;
    }
    return { ringOverflow, ringOversize };
  }
}
