// Issue #14 item 10, in Node: a JitterlaneNode whose realtime AudioContext is
// suspended drops and counts what is pushed meanwhile, and the first packet
// after resume() starts a new stream in the engine (its stream epoch changes
// the SSRC the engine sees), so audio that waited while the clock stood still
// never plays late. The Chromium measure is test/browser/suspended_context.test.ts.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JitterlaneNode } from '../../src/jitterlane_node.js';
import { FakeAudioContext, installFakeWorkletScope, withFakeOfflineAudioContext } from '../helpers/fake_worklet_scope.js';
import { pcm16le, tone } from '../helpers/engine_stream.js';

const PAYLOAD = pcm16le(tone(960, 400, 0.5));

let scope: ReturnType<typeof installFakeWorkletScope>;
let context: FakeAudioContext;

beforeEach(() => {
  scope = installFakeWorkletScope();
  context = new FakeAudioContext();
});

afterEach(async () => {
  await context.close();
  scope.restore();
});

function setState(state: 'running' | 'suspended'): void {
  context.state = state;
  context.dispatchEvent(new Event('statechange'));
}

describe('issue 14 item 10: packets pushed while the AudioContext is suspended', () => {
  it.each([['with an ssrc', 0x1234], ['without one', undefined]])('are dropped and counted, and the stream restarts at the first packet after resume() (%s)', async (_name, ssrc) => {
    const node = await JitterlaneNode.create(context as unknown as BaseAudioContext, { ...scope.options, profile: 'l4s' });
    // Arrivals on the audio clock, which stands still while suspended: after resume() they go on from where it stopped.
    let clock = 0;
    const push = (k: number) => node.push(PAYLOAD, { sequenceNumber: k, timestamp: k * 960, ssrc, arrivalFrame: (clock += 960) - 960 });
    for (let k = 0; k < 25; k++) expect(push(k)).toBe(true);
    await node.getStats();
    context.render(200);
    setState('suspended');
    const frozen = clock;
    const dropped = Array.from({ length: 85 }, (_, i) => push(25 + i));
    clock = frozen;
    expect(dropped.every((accepted) => accepted === false)).toBe(true);
    setState('running');
    for (let k = 110; k < 135; k++) expect(push(k)).toBe(true);
    await node.getStats();
    context.render(200);
    const stats = await node.getStats();
    expect(stats.jitterlane.packetsDroppedSuspended).toBe(85);
    expect(stats.jitterlane.streamResets).toBe(1);
    expect(stats.packetsReceived).toBe(50);
    node.close();
  });

  it('does not drop what is pushed into an OfflineAudioContext before it renders (replays do that; its state reads suspended)', async () => {
    await withFakeOfflineAudioContext(async (offline) => {
      context = offline;
      context.state = 'suspended';
      const node = await JitterlaneNode.create(context as unknown as BaseAudioContext, scope.options);
      expect(node.push(PAYLOAD, { sequenceNumber: 1, timestamp: 960 })).toBe(true);
      expect((await node.getStats()).jitterlane.packetsDroppedSuspended).toBe(0);
      node.close();
    });
  });
});
