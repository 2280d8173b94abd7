// The flight recorder: a JitterlaneNode created with flightRecorderBytes
// records every call its processor makes on the engine; replayed through a
// fresh engine in Node (src/flight/replay.ts) the recording gives the live
// run's output fingerprint and stats exactly. Run here with the real
// processor bundle in the fake worklet scope; the browser test runs it live.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JitterlaneNode } from '../../src/jitterlane_node.js';
import { readFlightRecords, parseFlightFile } from '../../src/flight/recording.js';
import { replayFlight } from '../../src/flight/replay.js';
import { FakeAudioContext, installFakeWorkletScope } from '../helpers/fake_worklet_scope.js';
import { PACKET_FRAMES, framesOfMs, pcm16Source, planStream, seededRandom, speech } from '../helpers/engine_stream.js';

let scope: ReturnType<typeof installFakeWorkletScope>;
let context: FakeAudioContext;

beforeEach(() => {
  scope = installFakeWorkletScope();
  context = new FakeAudioContext();
});

afterEach(() => scope.restore());

/** 6 s of speech with jitter up to 30 ms and 3 % loss, pushed quantum by quantum with their arrival frames. */
async function playRough(node: JitterlaneNode): Promise<void> {
  const random = seededRandom(5);
  const packets = planStream({ count: 300, payload: pcm16Source(speech()), arrival: (_i, send) => send + framesOfMs(5 + 30 * random() ** 3) })
    .filter(() => random() > 0.03)
    .sort((a, b) => a.arrivalFrame - b.arrivalFrame);
  let next = 0;
  for (let frame = 0; frame < 300 * PACKET_FRAMES + framesOfMs(500); frame += 128) {
    while (next < packets.length && packets[next]!.arrivalFrame <= frame) {
      const p = packets[next++]!;
      node.push(p.payload, { sequenceNumber: p.sequenceNumber, timestamp: p.timestamp, arrivalFrame: p.arrivalFrame });
    }
    if (frame === framesOfMs(3000)) node.setProfile('l4s');
    // Port batches reach the processor on a message task: let them arrive before the quantum renders.
    await new Promise((resolve) => setImmediate(resolve));
    context.render(1);
  }
}

describe('the flight recorder', () => {
  it('replays a live run to the same output fingerprint and the same concealment', async () => {
    const node = await JitterlaneNode.create(context as unknown as BaseAudioContext, { ...scope.options, codec: 'PCM16LE', flightRecorderBytes: 4 << 20 });
    await playRough(node);
    const file = await node.flightRecording();
    const live = parseFlightFile(file).header;
    expect(live.dropped).toBe(0);
    const records = [...readFlightRecords(parseFlightFile(file).records)];
    expect(records.filter((r) => r.kind === 'profile')).toHaveLength(1);

    const replayed = replayFlight(file);
    expect(replayed.matches).toBe(true);
    expect(replayed.outputFnv1a).toBe(live.outputFnv1a);
    // The run was rough enough to conceal and stretch; the replay did the same, to the sample.
    expect(live.stats.concealedSamples).toBeGreaterThan(0);
    for (const name of ['concealedSamples', 'concealmentEvents', 'packetsReceived', 'packetsDiscarded', 'insertedSamplesForDeceleration', 'removedSamplesForAcceleration']) {
      expect(replayed.stats[name as keyof typeof replayed.stats], name).toBe(live.stats[name]);
    }
    node.close();
  });

  it('counts what a listener heard from the replay: concealment episodes and time-stretches, over the whole call or a span of it', async () => {
    const node = await JitterlaneNode.create(context as unknown as BaseAudioContext, { ...scope.options, codec: 'PCM16LE', flightRecorderBytes: 4 << 20 });
    await playRough(node);
    const file = await node.flightRecording();
    node.close();
    const whole = replayFlight(file);
    const a = whole.artefacts;
    expect(a.minutes).toBeCloseTo(whole.stats.nowFrames / 48000 / 60, 9);
    // A rough path: episodes, and stretches whose audio is what the stats count as stretched.
    expect(a.concealmentEpisodes).toBeGreaterThan(0);
    // Every concealment event is a run; the run the call ends on (nothing came after it) is one the stats never count.
    expect(a.concealmentEpisodes).toBe(whole.stats.concealmentEvents + 1);
    expect(a.stretches).toBeGreaterThan(0);
    const stretchedMs = ((whole.stats.insertedSamplesForDeceleration + whole.stats.removedSamplesForAcceleration) * 1000) / 48000;
    expect(a.stretchedMsPerMin * a.minutes).toBeCloseTo(stretchedMs, 6);
    expect(a.artefactsPerMin * a.minutes).toBeCloseTo(a.concealmentEpisodes + a.stretches, 9);
    // Two halves of the call hold every operation of the whole once.
    const middle = Math.round(whole.stats.nowFrames / 2);
    const first = replayFlight(file, { span: { fromFrame: 0, toFrame: middle } }).artefacts;
    const second = replayFlight(file, { span: { fromFrame: middle, toFrame: whole.stats.nowFrames } }).artefacts;
    expect(first.stretches + second.stretches).toBe(a.stretches);
    expect(first.minutes + second.minutes).toBeCloseTo(a.minutes, 9);
    expect(first.concealmentEpisodes + second.concealmentEpisodes).toBeGreaterThanOrEqual(a.concealmentEpisodes);
  });

  it('replays the same arrivals under another profile (what if), ignoring the recorded profile change', async () => {
    const node = await JitterlaneNode.create(context as unknown as BaseAudioContext, { ...scope.options, codec: 'PCM16LE', flightRecorderBytes: 4 << 20 });
    await playRough(node);
    const file = await node.flightRecording();
    node.close();
    const asLive = replayFlight(file);
    const classic = replayFlight(file, { profile: 'classic' });
    // The live run switched to l4s at 3 s and drained to its lower target; kept on classic (40 ms), the same
    // arrivals wait longer, nothing is drained, and no more is concealed (both conceal the 3 % lost).
    expect(classic.matches).toBe(false);
    expect(classic.stats.packetsReceived).toBe(asLive.stats.packetsReceived);
    const delay = (s: typeof classic.stats) => s.jitterBufferDelay / s.jitterBufferEmittedCount;
    expect(delay(classic.stats)).toBeGreaterThan(delay(asLive.stats));
    expect(asLive.stats.removedSamplesForAcceleration).toBeGreaterThan(0);
    expect(classic.stats.removedSamplesForAcceleration).toBe(0);
    expect(classic.stats.concealedSamples).toBeLessThanOrEqual(asLive.stats.concealedSamples);
  });

  it('jitterlane flight FILE: exit 0 and the counters when the replay matches; --profile replays the what-if and says so; a bad --profile is a usage error', async () => {
    const node = await JitterlaneNode.create(context as unknown as BaseAudioContext, { ...scope.options, codec: 'PCM16LE', flightRecorderBytes: 4 << 20 });
    await playRough(node);
    const dir = mkdtempSync(join(tmpdir(), 'jl-flight-'));
    const path = join(dir, 'call.flight');
    writeFileSync(path, await node.flightRecording());
    node.close();
    const cli = (...args: string[]) => spawnSync(process.execPath, [fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url)), 'flight', path, ...args], { encoding: 'utf8' });
    try {
      const same = cli('--json');
      expect(same.status).toBe(0);
      const sameReport = JSON.parse(same.stdout);
      expect(sameReport.matches).toBe(true);
      expect(sameReport.replay.concealmentEvents).toBe(sameReport.live.concealmentEvents);
      expect(sameReport.replay.concealmentEventsPerMinute).toBeCloseTo(sameReport.live.concealmentEventsPerMinute, 9);
      expect(sameReport.artefacts.artefactsPerMin).toBeGreaterThan(0);
      expect(cli().stdout).toMatch(/artefacts \(replay, [\d.]+ min\): concealment episodes [\d.]+\/min, time-stretches [\d.]+\/min/);
      const whatIf = JSON.parse(cli('--json', '--profile', '{"floorMs":60,"ceilingMs":200}').stdout);
      expect(whatIf.matches).toBe(null);
      expect(whatIf.replay.bufferDelayMs).toBeGreaterThan(sameReport.replay.bufferDelayMs + 20);
      expect(cli('--profile', 'classic').stdout).toContain('replayed with profile classic (what if; not compared)');
      const bad = cli('--profile', 'L4S');
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain("unknown profile \"L4S\"");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops recording when its store is full, keeping the start, and says how many records it dropped', async () => {
    const node = await JitterlaneNode.create(context as unknown as BaseAudioContext, { ...scope.options, codec: 'PCM16LE', flightRecorderBytes: 64 * 1024 });
    await playRough(node);
    const { header, records } = parseFlightFile(await node.flightRecording());
    expect(header.dropped).toBeGreaterThan(0);
    expect(records.length).toBeLessThanOrEqual(64 * 1024);
    expect(records.length).toBeGreaterThan(60 * 1024);
    node.close();
  });

  it('refuses to give a recording when the node was created without the recorder', async () => {
    const node = await JitterlaneNode.create(context as unknown as BaseAudioContext, { ...scope.options, codec: 'PCM16LE' });
    await expect(node.flightRecording()).rejects.toThrow(/flightRecorderBytes/);
    node.close();
  });
});
