// A UDP relay between two endpoints on this machine, with a trace's network
// applied to the RTP of one direction. Side A and side B each have a socket
// and a peer: a datagram from A's peer arriving on A's socket leaves from B's
// socket to B's peer, and back. So each peer sees the other at the relay's
// address on its own side, which is what the rewritten ICE candidates tell it
// (sdp_candidates.ts), or what a client configured with --listen expects.
//
// In the shaped direction every RTP packet of a stream (by SSRC; optionally
// only one SSRC or one payload type) is numbered by its sequence number from
// the stream's first packet, and packet k takes the schedule's fate k: held
// for its delay, or dropped. Everything else (RTCP, STUN, DTLS, other RTP in
// the other direction) is forwarded at once, so the receiver's loss reports
// reach the sender as on a real path and its encoder reacts (in-band FEC).
// Bounded: the relay closes itself after maxSeconds or maxDatagrams, and
// holds at most maxHeld datagrams at once (beyond that they are dropped and
// counted).

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { classifyDatagram, type DatagramKind } from './datagram_kind.js';
import { isLoopbackAddress, requireLoopback, type UdpEndpoint } from './loopback_address.js';
import type { NetworkSchedule } from './network_schedule.js';
import { ReleaseQueue, type ReleaseLateness } from './release_queue.js';
import { readRtpHeader } from './rtp_header.js';
import type { LatenessFigures } from './lateness_histogram.js';
import { StreamPacing } from './stream_pacing.js';
import { sequenceDelta } from '../trace/rtp_arithmetic.js';

/** Which way the schedule applies. */
export type RelayDirection = 'a-to-b' | 'b-to-a';

/** Options of UdpRelay.start. */
export interface UdpRelayOptions {
  /** Where side A's socket binds (default 127.0.0.1, any port). */
  bindA?: UdpEndpoint;
  /** Where side B's socket binds (default 127.0.0.1, any port). */
  bindB?: UdpEndpoint;
  /** Side A's peer; absent: learnt from the latest datagram that reached side A (a client that connects to --listen). */
  peerA?: UdpEndpoint;
  /** Side B's peer; absent: learnt likewise. */
  peerB?: UdpEndpoint;
  /** The network of the shaped direction; null forwards everything at once. */
  schedule: NetworkSchedule | null;
  /** Default 'a-to-b'. */
  direction?: RelayDirection;
  /** Shape only this SSRC (others pass at once). */
  ssrc?: number;
  /** Shape only this RTP payload type. */
  payloadType?: number;
  /** The relay closes itself after this long (default 600 s). */
  maxSeconds?: number;
  /** … or after forwarding or dropping this many datagrams (default 1,000,000). */
  maxDatagrams?: number;
  /** Datagrams held at once (default 10,000: 200 s of one 20 ms stream). */
  maxHeld?: number;
  /**
   * Paced release: packet k leaves at its send slot (stream_pacing.ts) plus
   * `paceMs` plus its delay, instead of at its reception plus its delay. A
   * trace's delays are measured from the send time, so the sender's own
   * timing jitter (a browser's audio thread hands frames to the encoder in
   * render bursts) would otherwise add to the trace's; up to `paceMs` of it is
   * absorbed, at a constant `paceMs` of extra delay for every packet. Absent:
   * reception plus delay.
   */
  paceMs?: number;
}

/** What happened to one shaped stream. */
export interface ShapedStreamStats {
  ssrc: number;
  payloadType: number;
  packets: number;
  /** Dropped because the schedule lost them. */
  lost: number;
  /** Dropped because maxHeld datagrams were already held. */
  overflow: number;
  /** Packets that left in a different order from the one they came in. */
  reordered: number;
  /** Paced release only: packets that reached the relay after their paced release time (the sender was later than paceMs), sent at once. */
  senderLate: number;
  /** Paced release only: the sender's lateness behind its send slots, ms (p50, p99, max), measured from the packets shaped. */
  senderLatenessMs: LatenessFigures | null;
}

/** The relay's counters. */
export interface RelayStats {
  /** Datagrams forwarded, by direction and kind (shaped RTP counted when it leaves). */
  forwarded: Record<RelayDirection, Partial<Record<DatagramKind, number>>>;
  streams: ShapedStreamStats[];
  /** Datagrams from a non-loopback source (never forwarded). */
  refusedNonLoopback: number;
  /** Datagrams that arrived before the other side's peer was known. */
  unroutable: number;
  /** Held datagrams dropped when the relay closed. */
  droppedAtClose: number;
  lateness: ReleaseLateness;
  /** Why the relay closed, once it has. */
  closedBy: 'close()' | 'maxSeconds' | 'maxDatagrams' | null;
}

interface StreamState {
  stats: ShapedStreamStats;
  lastSeq: number;
  lastIndex: number;
  lastReleasedIndex: number;
  pacing: StreamPacing | null;
}

interface HeldDatagram {
  bytes: Buffer;
  to: Side;
  stream: StreamState;
  index: number;
}

class Side {
  peer: UdpEndpoint | null;
  constructor(
    readonly socket: Socket,
    readonly learnsPeer: boolean,
    peer: UdpEndpoint | undefined,
  ) {
    this.peer = peer ?? null;
  }
}

async function bound(endpoint: UdpEndpoint): Promise<Socket> {
  const socket = createSocket(endpoint.address.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(endpoint.port, endpoint.address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return socket;
}

export class UdpRelay {
  private readonly queue: ReleaseQueue<HeldDatagram>;
  private readonly streams = new Map<number, StreamState>();
  private readonly counters: Omit<RelayStats, 'streams' | 'lateness'> = {
    forwarded: { 'a-to-b': {}, 'b-to-a': {} },
    refusedNonLoopback: 0,
    unroutable: 0,
    droppedAtClose: 0,
    closedBy: null,
  };
  private datagrams = 0;
  /** Sends handed to a socket and not yet done, and who waits for them at close. */
  private sending = 0;
  private sent: (() => void) | null = null;
  private readonly stopTimer: ReturnType<typeof setTimeout>;
  private resolveClosed!: (stats: RelayStats) => void;
  /** Resolves with the final stats when the relay closes, by close() or by one of its bounds. */
  readonly closed: Promise<RelayStats> = new Promise((resolve) => (this.resolveClosed = resolve));

  private constructor(
    private readonly a: Side,
    private readonly b: Side,
    private readonly options: UdpRelayOptions,
  ) {
    this.queue = new ReleaseQueue((held) => this.releaseHeld(held), options.maxHeld ?? 10_000);
    a.socket.on('message', (bytes, from) => this.received(bytes, from, a, b, 'a-to-b'));
    b.socket.on('message', (bytes, from) => this.received(bytes, from, b, a, 'b-to-a'));
    // A send to a port nobody listens on yet comes back as ICMP unreachable: not fatal for a relay.
    a.socket.on('error', () => {});
    b.socket.on('error', () => {});
    this.stopTimer = setTimeout(() => void this.stop('maxSeconds'), (options.maxSeconds ?? 600) * 1000);
  }

  /** Binds both sides (loopback only) and starts relaying. */
  static async start(options: UdpRelayOptions): Promise<UdpRelay> {
    const bindA = requireLoopback(options.bindA ?? { address: '127.0.0.1', port: 0 }, 'side A address');
    const bindB = requireLoopback(options.bindB ?? { address: '127.0.0.1', port: 0 }, 'side B address');
    if (options.peerA) requireLoopback(options.peerA, 'side A peer');
    if (options.peerB) requireLoopback(options.peerB, 'side B peer');
    const socketA = await bound(bindA);
    const socketB = await bound(bindB).catch((error) => {
      socketA.close();
      throw error;
    });
    return new UdpRelay(new Side(socketA, !options.peerA, options.peerA), new Side(socketB, !options.peerB, options.peerB), options);
  }

  /** The address side A's peer sends to (its socket). */
  get addressA(): UdpEndpoint {
    const { address, port } = this.a.socket.address();
    return { address, port };
  }

  /** The address side B's peer sends to. */
  get addressB(): UdpEndpoint {
    const { address, port } = this.b.socket.address();
    return { address, port };
  }

  /** Sets (or changes) the peers, e.g. once the browser's candidates are known. */
  setPeers(peers: { a?: UdpEndpoint; b?: UdpEndpoint }): void {
    if (peers.a) this.a.peer = requireLoopback(peers.a, 'side A peer');
    if (peers.b) this.b.peer = requireLoopback(peers.b, 'side B peer');
  }

  /** The counters so far. */
  stats(): RelayStats {
    return {
      ...this.counters,
      forwarded: { 'a-to-b': { ...this.counters.forwarded['a-to-b'] }, 'b-to-a': { ...this.counters.forwarded['b-to-a'] } },
      streams: [...this.streams.values()].map((s) => ({ ...s.stats, senderLatenessMs: s.pacing ? s.pacing.lateness() : null })),
      lateness: this.queue.lateness(),
    };
  }

  /** Closes both sockets (held datagrams are dropped and counted) and resolves with the final stats. */
  close(): Promise<RelayStats> {
    return this.stop('close()');
  }

  private async stop(by: NonNullable<RelayStats['closedBy']>): Promise<RelayStats> {
    if (this.counters.closedBy) return this.closed;
    this.counters.closedBy = by;
    clearTimeout(this.stopTimer);
    this.counters.droppedAtClose = this.queue.close();
    // Sends already handed to a socket go out before it closes (closing would discard them).
    if (this.sending > 0) await new Promise<void>((resolve) => (this.sent = resolve));
    await Promise.all([this.a, this.b].map((side) => new Promise<void>((resolve) => side.socket.close(() => resolve()))));
    this.resolveClosed(this.stats());
    return this.closed;
  }

  private received(bytes: Buffer, from: RemoteInfo, at: Side, to: Side, direction: RelayDirection): void {
    if (this.counters.closedBy) return;
    if (!isLoopbackAddress(from.address)) {
      this.counters.refusedNonLoopback++;
      return;
    }
    if (at.learnsPeer) at.peer = { address: from.address, port: from.port };
    this.route(bytes, to, direction);
    // The datagram that reaches the bound is still relayed; what is held then is dropped and counted.
    if (++this.datagrams >= (this.options.maxDatagrams ?? 1_000_000)) void this.stop('maxDatagrams');
  }

  private route(bytes: Buffer, to: Side, direction: RelayDirection): void {
    if (!to.peer) {
      this.counters.unroutable++;
      return;
    }
    const kind = classifyDatagram(bytes);
    if (kind === 'rtp' && direction === (this.options.direction ?? 'a-to-b') && this.options.schedule) {
      const header = readRtpHeader(bytes);
      if (header && (this.options.ssrc === undefined || header.ssrc === this.options.ssrc) && (this.options.payloadType === undefined || header.payloadType === this.options.payloadType)) {
        this.shape(bytes, to, this.streamOf(header.ssrc, header.payloadType), header.sequenceNumber, this.options.schedule);
        return;
      }
    }
    this.send(bytes, to, direction, kind);
  }

  private streamOf(ssrc: number, payloadType: number): StreamState {
    let stream = this.streams.get(ssrc);
    if (!stream) {
      const pacing = this.options.paceMs === undefined || !this.options.schedule ? null : new StreamPacing(this.options.schedule.packetMs);
      stream = { stats: { ssrc, payloadType, packets: 0, lost: 0, overflow: 0, reordered: 0, senderLate: 0, senderLatenessMs: null }, lastSeq: -1, lastIndex: -1, lastReleasedIndex: -1, pacing };
      this.streams.set(ssrc, stream);
    }
    return stream;
  }

  private shape(bytes: Buffer, to: Side, stream: StreamState, sequenceNumber: number, schedule: NetworkSchedule): void {
    // Packet index from the sequence number, unwrapped against the newest seen (the first packet is 0).
    const index = stream.lastSeq < 0 ? 0 : stream.lastIndex + sequenceDelta(stream.lastSeq, sequenceNumber);
    if (index > stream.lastIndex) {
      stream.lastSeq = sequenceNumber;
      stream.lastIndex = index;
    }
    stream.stats.packets++;
    const now = performance.now();
    stream.pacing?.received(index, now);
    const n = schedule.delaysMs.length;
    const delayMs = schedule.delaysMs[((index % n) + n) % n];
    if (delayMs === null) {
      stream.stats.lost++;
      return;
    }
    const held: HeldDatagram = { bytes, to, stream, index };
    // Paced: the delay counts from the packet's send slot, not from when it reached the relay.
    const fromMs = stream.pacing ? stream.pacing.slotMs(index) + (this.options.paceMs ?? 0) : now;
    const dueMs = fromMs + delayMs;
    if (dueMs <= now) {
      if (stream.pacing) stream.stats.senderLate++;
      this.releaseHeld(held);
    } else if (!this.queue.hold(held, dueMs)) stream.stats.overflow++;
  }

  private releaseHeld(held: HeldDatagram): void {
    if (held.index < held.stream.lastReleasedIndex) held.stream.stats.reordered++;
    else held.stream.lastReleasedIndex = held.index;
    this.send(held.bytes, held.to, held.to === this.b ? 'a-to-b' : 'b-to-a', 'rtp');
  }

  private send(bytes: Buffer, to: Side, direction: RelayDirection, kind: DatagramKind): void {
    const peer = to.peer;
    if (!peer || this.counters.closedBy) return;
    const counts = this.counters.forwarded[direction];
    counts[kind] = (counts[kind] ?? 0) + 1;
    this.sending++;
    to.socket.send(bytes, peer.port, peer.address, () => {
      if (--this.sending === 0) this.sent?.();
    });
  }
}
