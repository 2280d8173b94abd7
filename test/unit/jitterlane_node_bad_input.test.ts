// JitterlaneNode's API edge with bad input, in Node: the real processor bundle
// behind a stand-in AudioWorkletNode (test/helpers/fake_worklet_scope.ts).
// Every bad call is a JitterlaneError with a message naming what was wrong, or
// a drop that a counter shows; nothing bad reaches the engine unseen.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JitterlaneError } from '../../src/engine/index.js';
import { JitterlaneNode } from '../../src/jitterlane_node.js';
import { FakeAudioContext, installFakeWorkletScope, withFakeOfflineAudioContext } from '../helpers/fake_worklet_scope.js';
import { pcm16le, tone } from '../helpers/engine_stream.js';

/** One 20 ms packet of a 0.5 tone (1920 bytes of PCM16LE). */
const PAYLOAD = pcm16le(tone(960, 400, 0.5));

let scope: ReturnType<typeof installFakeWorkletScope>;
let context: FakeAudioContext;
const nodes: JitterlaneNode[] = [];

async function createNode(options: Record<string, unknown> = {}): Promise<JitterlaneNode> {
  const node = await JitterlaneNode.create(context as unknown as BaseAudioContext, { ...scope.options, ...options });
  nodes.push(node);
  return node;
}

/** Pushes `count` packets of a contiguous stream, 20 ms apart. */
function pushStream(node: JitterlaneNode, count: number, first = 0): void {
  for (let i = first; i < first + count; i++) node.push(PAYLOAD, { sequenceNumber: i & 0xffff, timestamp: (i * 960) >>> 0 });
}

function expectJitterlaneError(call: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    call();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(JitterlaneError);
  expect((caught as Error).message).toMatch(message);
}

beforeEach(() => {
  scope = installFakeWorkletScope();
  context = new FakeAudioContext();
});

afterEach(async () => {
  for (const node of nodes.splice(0)) node.close();
  await context.close();
  scope.restore();
});

describe('JitterlaneNode.push with bad arguments', () => {
  it.each([
    ['an ArrayBuffer payload', () => new ArrayBuffer(4), { sequenceNumber: 1, timestamp: 1 }, /payload must be a Uint8Array/],
    ['a plain array payload', () => [1, 2, 3], { sequenceNumber: 1, timestamp: 1 }, /payload must be a Uint8Array/],
    ['a Float32Array payload', () => new Float32Array(4), { sequenceNumber: 1, timestamp: 1 }, /payload must be a Uint8Array/],
    ['a string payload', () => 'abcd', { sequenceNumber: 1, timestamp: 1 }, /payload must be a Uint8Array/],
    ['no info', () => PAYLOAD, undefined, /second argument must be/],
    ['a NaN sequence number', () => PAYLOAD, { sequenceNumber: Number.NaN, timestamp: 1 }, /sequenceNumber must be an integer 0..65535, got NaN/],
    ['an infinite sequence number', () => PAYLOAD, { sequenceNumber: Infinity, timestamp: 1 }, /sequenceNumber .* got Infinity/],
    ['a sequence number of 65536', () => PAYLOAD, { sequenceNumber: 65536, timestamp: 1 }, /sequenceNumber .* got 65536/],
    ['a fractional sequence number', () => PAYLOAD, { sequenceNumber: 1.5, timestamp: 1 }, /sequenceNumber .* got 1.5/],
    ['a string sequence number', () => PAYLOAD, { sequenceNumber: '1', timestamp: 1 }, /sequenceNumber/],
    ['a NaN timestamp', () => PAYLOAD, { sequenceNumber: 1, timestamp: Number.NaN }, /timestamp must be an integer 0..2\^32-1, got NaN/],
    ['an infinite timestamp', () => PAYLOAD, { sequenceNumber: 1, timestamp: -Infinity }, /timestamp .* got -Infinity/],
    ['a timestamp of 2^32', () => PAYLOAD, { sequenceNumber: 1, timestamp: 2 ** 32 }, /timestamp .* got 4294967296/],
    ['a NaN ssrc', () => PAYLOAD, { sequenceNumber: 1, timestamp: 1, ssrc: Number.NaN }, /ssrc .* got NaN/],
    ['a negative ssrc', () => PAYLOAD, { sequenceNumber: 1, timestamp: 1, ssrc: -2 }, /ssrc .* got -2/],
    ['a NaN arrivalTime', () => PAYLOAD, { sequenceNumber: 1, timestamp: 1, arrivalTime: Number.NaN }, /arrivalTime must be a finite number/],
    ['an infinite arrivalFrame', () => PAYLOAD, { sequenceNumber: 1, timestamp: 1, arrivalFrame: Infinity }, /arrivalFrame must be a finite number/],
  ])('throws a JitterlaneError for %s, and nothing reaches the engine', async (_name, payload, info, message) => {
    const node = await createNode();
    expectJitterlaneError(() => node.push(payload() as Uint8Array, info as never), message);
    context.render(10);
    const stats = await node.getStats();
    expect(stats.packetsReceived).toBe(0);
    expect(stats.jitterlane.packetsInvalid).toBe(0);
    expect(stats.jitterlane.ringOverflow).toBe(0);
  });

  it('passes an empty payload on to the engine, which counts it as invalid', async () => {
    const node = await createNode();
    expect(node.push(new Uint8Array(0), { sequenceNumber: 1, timestamp: 960 })).toBe(true);
    await node.getStats(); // the batch is delivered before the reply (one port, in order)
    context.render(10);
    const stats = await node.getStats();
    expect(stats.jitterlane.packetsInvalid).toBe(1);
    expect(stats.packetsReceived).toBe(0);
  });

  it('regression: a payload larger than the engine slot is refused and counted (packetsTooLarge), not skipped silently by the worklet', async () => {
    // Before: push() accepted a 2049-byte payload into the ring, the processor's read skipped it
    // (READ_SKIPPED_OVERSIZE, counted only in the ring's oversizeCount, which getStats never showed),
    // so the packet vanished without a trace in any counter.
    const node = await createNode();
    expect(node.push(new Uint8Array(2049), { sequenceNumber: 1, timestamp: 960 })).toBe(false);
    expect(node.push(new Uint8Array(65_536), { sequenceNumber: 2, timestamp: 1920 })).toBe(false);
    // 2048 bytes, the default slot, still goes through (1024 PCM16 frames).
    expect(node.push(new Uint8Array(2048), { sequenceNumber: 3, timestamp: 2880 })).toBe(true);
    await node.getStats();
    context.render(20);
    const stats = await node.getStats();
    expect(stats.jitterlane.packetsTooLarge).toBe(2);
    expect(stats.packetsReceived).toBe(1);
  });

  it('honours a larger slotBytes: its payloads pass', async () => {
    const node = await createNode({ slotBytes: 4096 });
    expect(node.push(new Uint8Array(4096), { sequenceNumber: 1, timestamp: 960 })).toBe(true);
    expect(node.push(new Uint8Array(4097), { sequenceNumber: 2, timestamp: 1920 })).toBe(false);
    await node.getStats();
    context.render(10);
    const stats = await node.getStats();
    expect(stats.packetsReceived).toBe(1);
    expect(stats.jitterlane.packetsTooLarge).toBe(1);
  });
});

describe('JitterlaneNode.setProfile with bad arguments', () => {
  it.each([
    ['null', null, /got null/],
    ['a number', 3, /got number/],
    ['an unknown name', 'fast', /unknown profile "fast"/],
    ['a floor above the ceiling', { floorMs: 50, ceilingMs: 10 }, /invalid profile record/],
    ['a NaN floor', { floorMs: Number.NaN, ceilingMs: 100 }, /invalid profile record/],
    ['a quantile of 1', { floorMs: 10, ceilingMs: 100, quantile: 1 }, /invalid profile record/],
    ['a string field', { floorMs: '10', ceilingMs: 100 }, /invalid profile record/],
  ])('regression: %s throws a JitterlaneError and leaves the profile (and its event) alone', async (_name, profile, message) => {
    // Before: a record the engine refuses (floor above ceiling, quantile 1) passed the node's check,
    // the node reported 'custom' and fired 'profilechange', and the worklet refused it with only an
    // 'error' event; null threw a TypeError instead of a JitterlaneError.
    const node = await createNode({ profile: 'l4s' });
    const events: string[] = [];
    node.addEventListener('profilechange', () => events.push('profilechange'));
    expectJitterlaneError(() => node.setProfile(profile as never), message);
    expect(node.profile).toBe('l4s');
    expect(events).toEqual([]);
  });

  it('applies a valid custom record', async () => {
    const node = await createNode({ profile: 'l4s' });
    node.setProfile({ floorMs: 20, ceilingMs: 200 });
    expect(node.profile).toBe('custom');
    await node.getStats(); // the profile message is delivered before the reply
    context.render(1);
    expect((await node.getStats()).jitterlane.targetDelayMs).toBe(20);
  });
});

describe('JitterlaneNode after close() and with a closed AudioContext', () => {
  it('throws a JitterlaneError from push, setProfile, getStats and replayResult after close(); close() twice is fine', async () => {
    const node = await createNode();
    node.close();
    expectJitterlaneError(() => node.push(PAYLOAD, { sequenceNumber: 1, timestamp: 1 }), /after close\(\)/);
    expectJitterlaneError(() => node.setProfile('l4s'), /after close\(\)/);
    await expect(node.getStats()).rejects.toThrow(JitterlaneError);
    expect(() => node.replayResult()).toThrow(/after close\(\)/);
    expect(() => node.close()).not.toThrow();
  });

  it('regression: a getStats() waiting when close() is called rejects instead of never settling', async () => {
    const node = await createNode();
    const waiting = node.getStats();
    node.close();
    await expect(waiting).rejects.toThrow(/getStats: the node was closed before the processor answered/);
  });

  it('regression: a getStats() waiting when the AudioContext closes rejects instead of never settling', async () => {
    const node = await createNode();
    const waiting = node.getStats();
    await context.close();
    await expect(waiting).rejects.toThrow(/the AudioContext was closed/);
  });

  it('throws a JitterlaneError from push and getStats once the AudioContext is closed; close() still works', async () => {
    const node = await createNode();
    pushStream(node, 5);
    await context.close();
    expectJitterlaneError(() => node.push(PAYLOAD, { sequenceNumber: 6, timestamp: 6 * 960 }), /AudioContext was closed/);
    await expect(node.getStats()).rejects.toThrow(/AudioContext was closed/);
    expect(() => node.close()).not.toThrow();
  });

  it('still answers getStats once an OfflineAudioContext finished rendering (its state reads closed too)', async () => {
    await withFakeOfflineAudioContext(async (offline) => {
      context = offline;
      const node = await createNode();
      pushStream(node, 5);
      await node.getStats();
      context.render(100);
      context.state = 'closed'; // rendering done; the processor's port stays open
      context.dispatchEvent(new Event('statechange'));
      expect((await node.getStats()).packetsReceived).toBe(5);
      expect(() => node.push(PAYLOAD, { sequenceNumber: 6, timestamp: 6 * 960 })).not.toThrow();
    });
  });

  it('refuses to create a node on a closed AudioContext with a JitterlaneError', async () => {
    await context.close();
    await expect(createNode()).rejects.toThrow(JitterlaneError);
    await expect(createNode()).rejects.toThrow(/the AudioContext is closed/);
  });

  it('refuses a first argument that is not a context, or options that are not an object, with a JitterlaneError', async () => {
    await expect(JitterlaneNode.create(null as never)).rejects.toThrow(JitterlaneError);
    await expect(JitterlaneNode.create({} as never)).rejects.toThrow(/must be an AudioContext/);
    await expect(JitterlaneNode.create(context as unknown as BaseAudioContext, null as never)).rejects.toThrow(/options must be an object, got null/);
  });
});

describe('JitterlaneNode over the shared ring, in Node', () => {
  it('regression: ring overflow is counted once, not twice (the processor reads the same shared counter)', async () => {
    // Before: getStats added the processor's ring.overflowCount to the main thread's, which on the
    // shared ring are the same word of the same SharedArrayBuffer: every drop was reported twice.
    scope.restore();
    scope = installFakeWorkletScope(true);
    const node = await createNode({ ringBytes: 8192 });
    expect(node.transport).toBe('shared-ring');
    let refused = 0;
    for (let i = 0; i < 40; i++) if (!node.push(PAYLOAD, { sequenceNumber: i, timestamp: i * 960 })) refused++;
    // 8192 bytes hold four 1952-byte records (1920 + the 32-byte header): 36 of 40 refused.
    expect(refused).toBe(36);
    const stats = await node.getStats();
    expect(stats.jitterlane.ringOverflow).toBe(refused);
    context.render(10);
    expect((await node.getStats()).packetsReceived).toBe(40 - refused);
  });
});
