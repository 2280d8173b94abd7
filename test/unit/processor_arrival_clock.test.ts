// Arrival stamps on the audio clock (a producer writing straight into the
// worklet's shared ring, as the receiver takeover's worker does) are context
// frames; the processor maps them onto its engine's clock relative to the
// quantum it renders. Chromium calls process() only for quanta in which the
// node is pulled, so a node connected late (or disconnected for a while) has
// an engine clock behind the context's. Mapped from its first quantum instead,
// every later stamp lay in the future by what was skipped and its packet
// waited that long in the ring: live, 40 ms of delay that no buffer figure
// showed. Run with the real processor bundle in the fake worklet scope.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JitterlaneNode } from '../../src/jitterlane_node.js';
import { PacketRing } from '../../src/transport/packet_ring.js';
import { FakeAudioContext, installFakeWorkletScope, settle } from '../helpers/fake_worklet_scope.js';
import { PACKET_FRAMES, pcm16le, tone } from '../helpers/engine_stream.js';

let scope: ReturnType<typeof installFakeWorkletScope>;
let context: FakeAudioContext;

beforeEach(() => {
  scope = installFakeWorkletScope(true);
  context = new FakeAudioContext();
});

afterEach(() => scope.restore());

/**
 * Context frames from the first packet's arrival to the first audible output
 * sample, for a steady 20 ms tone stream stamped with its arrival on the
 * context clock, after the node skipped `skipped` quanta.
 */
async function onsetAfterArrival(skipped: number): Promise<number> {
  const node = await JitterlaneNode.create(context as unknown as BaseAudioContext, { ...scope.options, codec: 'PCM16LE', profile: 'l4s' });
  const producer = node.attachProducer();
  await settle();
  context.render(20);
  context.skip(skipped);
  const ring = new PacketRing(producer.ring!);
  const payload = pcm16le(tone(PACKET_FRAMES, 440, 0.5));
  const firstArrival = context.frame;
  let onset = -1;
  let written = 0;
  for (let q = 0; q < 300 && onset < 0; q++) {
    // A packet every 20 ms, written as it arrives and stamped with its arrival.
    for (; written * PACKET_FRAMES <= context.frame - firstArrival; written++) {
      ring.write(payload, written, written * PACKET_FRAMES, 1, false, firstArrival + written * PACKET_FRAMES);
    }
    const start = context.frame;
    const out = context.render(1);
    const i = out.findIndex((v) => Math.abs(v) > 0.01);
    if (i >= 0) onset = start + i - firstArrival;
  }
  node.close();
  return onset;
}

describe('arrival stamps on the audio clock', () => {
  it('play a stream as early after a node skipped quanta (connected late) as when it rendered every quantum', async () => {
    const contiguous = await onsetAfterArrival(0);
    const skipped = await onsetAfterArrival(15);
    // l4s starts a stream about 10 ms after its first packet arrived.
    expect(contiguous).toBeGreaterThan(0);
    expect(contiguous).toBeLessThan(PACKET_FRAMES);
    // The 15 quanta (40 ms) the node missed add nothing.
    expect(Math.abs(skipped - contiguous)).toBeLessThanOrEqual(128);
  });
});
