// One stream of a JitterlaneGroupNode, on the main thread: what the app pushes
// packets to, sets the stream's gain and profile on, and hands to
// takeOverReceiver() (it is a TakeoverSink: its attachProducer() gives the
// transform's worker a path of its own into this stream's engine).

import { JitterlaneError, checkPacketFields, checkPayload, validateProfile, type ProfileName, type ProfileRecord } from '../engine/index.js';
import type { ProducerChannel, PushInfo } from '../jitterlane_node.js';
import { feedPacketRole } from '../rtp/payload_type_rule.js';
import { PacketBatcher, PacketRing } from '../transport/index.js';
import type { GroupToProcessor } from './group_messages.js';

/** What a stream needs of its node. */
export interface StreamHost {
  readonly context: BaseAudioContext;
  /** The worklet's published audio clock (shared pages), for producers. */
  readonly clock: SharedArrayBuffer | null;
  readonly transport: 'shared-ring' | 'port';
  post(message: GroupToProcessor, transfer?: Transferable[]): void;
  /** Throws JitterlaneError when the node is closed. */
  live(): void;
}

/** One stream of a group node. */
export class GroupStream {
  /** The app's id for the stream. */
  readonly id: string;
  /** The processor's key for it (unique over the node's life). */
  readonly key: number;
  /** Largest payload the stream's engine takes; push() refuses and counts larger ones. */
  readonly maxPayloadBytes: number;
  private readonly host: StreamHost;
  private readonly ring: PacketRing | null;
  private readonly batcher: PacketBatcher | null;
  private removed = false;
  /** Payloads push() refused as larger than maxPayloadBytes. */
  packetsTooLarge = 0;
  /** Settles when the processor has reserved the stream; rejects (JitterlaneError) when it refused. */
  readonly ready: Promise<void>;

  constructor(host: StreamHost, id: string, key: number, ring: PacketRing | null, maxPayloadBytes: number, ready: Promise<void>) {
    this.host = host;
    this.ready = ready;
    this.id = id;
    this.key = key;
    this.ring = ring;
    this.maxPayloadBytes = maxPayloadBytes;
    this.batcher = ring ? null : new PacketBatcher((batch, transfer) => host.post({ type: 'packets', key, batch }, transfer));
  }

  /** The node's context (takeOverReceiver stamps page-side arrivals with its time). */
  get context(): BaseAudioContext {
    return this.host.context;
  }

  /** Marks the stream removed: later calls throw. */
  markRemoved(): void {
    this.removed = true;
  }

  private live(): void {
    this.host.live();
    if (this.removed) throw new JitterlaneError(`GroupStream ${JSON.stringify(this.id)} used after removeStream()`);
  }

  /**
   * Hands one received packet to this stream's engine. Throws JitterlaneError
   * on arguments of the wrong type or range, and once the stream is removed.
   * Returns false when the packet was dropped and counted: a full ring
   * (`ringOverflow`) or a payload larger than the stream's slot
   * (`packetsTooLarge`).
   */
  push(payload: Uint8Array, info: PushInfo): boolean {
    this.live();
    checkPayload('GroupStream.push', payload);
    if (!info || typeof info !== 'object') throw new JitterlaneError('GroupStream.push: the second argument must be { sequenceNumber, timestamp, ... }');
    const ssrc = info.ssrc ?? -1;
    checkPacketFields('GroupStream.push', info.sequenceNumber, info.timestamp, ssrc, info.marker === true, info.arrivalFrame ?? Number.NaN);
    if (info.arrivalTime !== undefined && !Number.isFinite(info.arrivalTime)) throw new JitterlaneError(`GroupStream.push: arrivalTime must be a finite number of seconds, got ${info.arrivalTime}`);
    const arrivalFrame = info.arrivalFrame ?? (info.arrivalTime === undefined ? Number.NaN : info.arrivalTime * this.host.context.sampleRate);
    if (payload.length > this.maxPayloadBytes) {
      this.packetsTooLarge++;
      return false;
    }
    if (info.payloadType !== undefined && (!Number.isInteger(info.payloadType) || info.payloadType < 0 || info.payloadType > 127)) throw new JitterlaneError(`GroupStream.push: payloadType must be an integer 0..127, got ${info.payloadType}`);
    // RFC 3389 comfort noise (PT 13) is played as such, never decoded as speech; any other type is the stream's audio.
    const comfortNoise = feedPacketRole(info.payloadType, {}) === 'comfort-noise';
    const ssrcOut = ssrc < 0 ? 0 : ssrc;
    if (this.ring) return this.ring.write(payload, info.sequenceNumber, info.timestamp, ssrcOut, info.marker === true, arrivalFrame, comfortNoise);
    this.batcher!.push(payload, info.sequenceNumber, info.timestamp, ssrcOut, info.marker === true, arrivalFrame, comfortNoise);
    return true;
  }

  /** Sets the stream's gain in the mix (linear; 1 plays it as it is). */
  setGain(gain: number): void {
    this.live();
    if (typeof gain !== 'number' || !Number.isFinite(gain) || gain < 0) throw new JitterlaneError(`GroupStream.setGain: gain must be a finite number ≥ 0, got ${String(gain)}`);
    this.host.post({ type: 'gain', key: this.key, gain });
  }

  /** Switches the stream's target profile; its engine moves to it by time-stretching. */
  setProfile(profile: ProfileName | ProfileRecord): void {
    this.live();
    validateProfile(profile, 'GroupStream.setProfile');
    this.host.post({ type: 'profile', key: this.key, profile });
  }

  /**
   * A path into this stream of its own, for a producer on another thread (the
   * receiver takeover's worker): a shared ring and the audio clock on a
   * cross-origin isolated page, else a port for packet batches. As
   * JitterlaneNode.attachProducer(), per stream.
   */
  attachProducer(ringBytes = 64 * 1024): ProducerChannel {
    this.live();
    if (this.host.transport === 'shared-ring') {
      const ring = PacketRing.create(ringBytes, true).buffer as SharedArrayBuffer;
      this.host.post({ type: 'add-source', key: this.key, ring, ringBytes });
      return { ring, clock: this.host.clock ?? undefined, maxPayloadBytes: this.maxPayloadBytes };
    }
    const channel = new MessageChannel();
    this.host.post({ type: 'add-source', key: this.key, port: channel.port2, ringBytes }, [channel.port2]);
    return { port: channel.port1, maxPayloadBytes: this.maxPayloadBytes };
  }
}
