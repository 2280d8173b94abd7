// Taking over every audio receiver of a call into one group node: each
// receiver gets a stream of its own, and takeOverReceiver() routes its encoded
// frames there (the transform's worker writes them straight into that
// stream's ring, stamped on the worklet's audio clock on isolated pages).
// Receivers that come later (a 'track' event) are taken over as they come;
// one whose track ends leaves the mix. An SSRC change within a receiver is a
// new stream to its engine, which resyncs (stats: streamResets).

import { takeOverReceiver, type ReceiverTakeover } from '../adapters/receiver_takeover.js';
import type { GroupStreamOptions, JitterlaneGroupNode } from './group_node.js';
import type { GroupStream } from './group_stream.js';

/** A receiver taken over, with its stream. */
export interface TakenReceiver {
  receiver: RTCRtpReceiver;
  stream: GroupStream;
  takeover: ReceiverTakeover;
}

export interface CallTakeoverOptions {
  /** Each receiver's stream options (default: Opus, mono, output 0, gain 1). */
  streamOptions?: (receiver: RTCRtpReceiver, index: number) => GroupStreamOptions;
  /** The transform worker bundle (default: next to this module). */
  workerUrl?: string | URL;
}

/** Every audio receiver of one or more peer connections, each in its own stream of the node. */
export class CallTakeover {
  readonly node: JitterlaneGroupNode;
  private readonly taken = new Map<RTCRtpReceiver, TakenReceiver>();
  private readonly options: CallTakeoverOptions;
  private count = 0;
  private readonly detach: (() => void)[] = [];

  constructor(node: JitterlaneGroupNode, options: CallTakeoverOptions = {}) {
    this.node = node;
    this.options = options;
  }

  /**
   * Takes over every audio receiver a later 'track' event of `pc` brings, and
   * those it has now. Call it before negotiating: a receiver that already
   * played when its transform is set may give it no frames (see add()).
   */
  async addPeerConnection(pc: RTCPeerConnection): Promise<TakenReceiver[]> {
    const onTrack = (event: RTCTrackEvent) => {
      if (event.track.kind === 'audio') void this.add(event.receiver).catch((error) => this.node.dispatchEvent(new CustomEvent('error', { detail: String(error) })));
    };
    pc.addEventListener('track', onTrack);
    this.detach.push(() => pc.removeEventListener('track', onTrack));
    const receivers = pc.getReceivers().filter((r) => r.track?.kind === 'audio');
    return Promise.all(receivers.map((r) => this.add(r)));
  }

  /**
   * Takes over one receiver into a new stream (its id: the track's id); a
   * receiver already taken resolves to what it has. The transform is set in
   * the calling task: call it from the receiver's 'track' event (in Chromium
   * 156 a transform set 200 ms after that event got no frames at all).
   */
  add(receiver: RTCRtpReceiver): Promise<TakenReceiver> {
    const known = this.taken.get(receiver);
    if (known) return known.stream.ready.then(() => known);
    const index = this.count++;
    const options = this.options.streamOptions?.(receiver, index) ?? {};
    const stream = this.node.startStream(receiver.track.id, { codec: 'opus', ...options });
    const takeover = takeOverReceiver(receiver, stream, this.options.workerUrl ? { workerUrl: this.options.workerUrl } : {});
    const taken: TakenReceiver = { receiver, stream, takeover };
    this.taken.set(receiver, taken);
    receiver.track.addEventListener('ended', () => void this.remove(receiver), { once: true });
    return stream.ready.then(() => taken);
  }

  /** Gives a receiver back to the browser and removes its stream from the mix. */
  async remove(receiver: RTCRtpReceiver): Promise<void> {
    const taken = this.taken.get(receiver);
    if (!taken) return;
    this.taken.delete(receiver);
    taken.takeover.release();
    await this.node.removeStream(taken.stream.id);
  }

  /** The receivers taken over, in the order they were taken. */
  receivers(): TakenReceiver[] {
    return [...this.taken.values()];
  }

  /** Stops listening for new tracks and gives every receiver back. */
  async release(): Promise<void> {
    for (const stop of this.detach.splice(0)) stop();
    await Promise.all([...this.taken.keys()].map((r) => this.remove(r)));
  }
}
