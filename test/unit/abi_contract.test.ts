// The contract between the engine and its hosts (assembly/abi.ts): the wasm
// exports every value of it, the JS side refuses a wasm whose values differ,
// the tables derived from it are complete, and the two copies of the profile
// rule (validateProfile in JS, Profile.isValid in the engine) agree.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as abi from '../../assembly/abi.js';
import { wasmPath } from '../../src/engine/node_loader.js';
import {
  BUILT_IN_PROFILES, EVENT_KINDS, EngineModule, JitterlaneError, PROFILE_FIELDS, STAT_INDEX, STAT_NAMES, statsFromBlock,
  validateProfile, type CompleteProfileRecord,
} from '../../src/engine/index.js';
import { withExportedGlobal } from '../helpers/wasm_global_patch.js';

const wasm = readFileSync(wasmPath());

/** Loading `bytes` throws a JitterlaneError whose message matches `message`. */
function expectLoadRefused(bytes: Uint8Array, message: RegExp): void {
  let thrown: unknown = null;
  try {
    EngineModule.fromBytes(bytes);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(JitterlaneError);
  expect((thrown as Error).message).toMatch(message);
}

describe('the engine wasm and assembly/abi.ts', () => {
  it('exports every constant of the contract as a global of the same value', () => {
    const module = EngineModule.fromBytes(wasm);
    const exports = module.exports as unknown as Record<string, WebAssembly.Global>;
    for (const [name, value] of Object.entries(abi)) expect(exports[name]?.value, name).toBe(value);
    expect(Object.keys(abi).length).toBeGreaterThan(100);
  });

  it('refuses to load a wasm whose stats block is one value longer (STAT_COUNT 33), naming the value', () => {
    // A stale build after a stat was added: getStats() would have mislabelled every value after it.
    expectLoadRefused(withExportedGlobal(wasm, 'STAT_COUNT', abi.STAT_COUNT + 1), /STAT_COUNT = 33 where this host expects 32/);
  });

  it('refuses a wasm with two stats swapped, and one whose classic floor differs', () => {
    expectLoadRefused(withExportedGlobal(wasm, 'STAT_BUFFERED_MS', abi.STAT_PACKETS_BUFFERED), /STAT_BUFFERED_MS = 28 where this host expects 27/);
    expectLoadRefused(withExportedGlobal(wasm, 'CLASSIC_FLOOR_MS', 41), /CLASSIC_FLOOR_MS = 41 where this host expects 40/);
  });

  it('loads the unpatched wasm, and one patched back to its own value', () => {
    expect(() => EngineModule.fromBytes(withExportedGlobal(wasm, 'STAT_COUNT', abi.STAT_COUNT))).not.toThrow();
  });
});

describe('the tables derived from assembly/abi.ts', () => {
  it('name every value of the stats block once, in block order, with webrtc-stats names', () => {
    expect(STAT_NAMES.length).toBe(abi.STAT_COUNT);
    expect(new Set(STAT_NAMES).size).toBe(abi.STAT_COUNT);
    expect(STAT_INDEX.packetsReceived).toBe(abi.STAT_PACKETS_RECEIVED);
    expect(STAT_INDEX.insertedSamplesForDeceleration).toBe(abi.STAT_INSERTED_SAMPLES_FOR_DECELERATION);
    expect(STAT_INDEX.delayEstimateMs).toBe(abi.STAT_DELAY_ESTIMATE_MS);
    const block = Float64Array.from({ length: abi.STAT_COUNT }, (_, i) => i);
    expect(statsFromBlock(block).jitterBufferEmittedCount).toBe(abi.STAT_JITTER_BUFFER_EMITTED_COUNT);
  });

  it('give every event kind a name, as engine events carry them', () => {
    expect(EVENT_KINDS[abi.EVENT_PLAYED]).toBe('played');
    expect(EVENT_KINDS[abi.EVENT_ACCELERATE_FAST]).toBe('accelerate-fast');
    expect(EVENT_KINDS[abi.EVENT_PREEMPTIVE_EXPAND]).toBe('preemptive-expand');
    expect(EVENT_KINDS[abi.EVENT_FEC]).toBe('fec');
    expect(EVENT_KINDS.filter(Boolean).length).toBe(abi.EVENT_FEC);
  });

  it('give each built-in profile a value for every record field, the values of assembly/abi.ts', () => {
    for (const name of ['classic', 'l4s'] as const) expect(Object.keys(BUILT_IN_PROFILES[name]).sort()).toEqual([...PROFILE_FIELDS].sort());
    expect(BUILT_IN_PROFILES.classic).toMatchObject({ floorMs: 40, ceilingMs: 500, quantile: 0.97, latenessWindowMs: 20000, episodeCostMs: 3 });
    expect(BUILT_IN_PROFILES.l4s).toMatchObject({ floorMs: 10, ceilingMs: 300, quantile: 0.97, latenessWindowMs: 20000, episodeCostMs: 3 });
  });
});

describe('validateProfile and the engine agree on which profile records are valid', () => {
  const module = EngineModule.fromBytes(wasm);
  const engine = module.createEngine({ codec: 'PCM16LE' });
  const handle = 0;

  /** What the engine itself says of a complete record, written straight to its record (no JS check). */
  function engineAccepts(record: CompleteProfileRecord): boolean {
    const x = module.exports;
    const view = new Float64Array(x.memory.buffer, x.profileRecordPtr(), abi.PROFILE_FIELD_COUNT);
    PROFILE_FIELDS.forEach((field, i) => (view[i] = record[field]));
    return x.setCustomProfile(handle) === abi.OK;
  }

  const classic = BUILT_IN_PROFILES.classic;
  // One record per rule, just past its bound (the bounds in assembly/abi.ts), and one just inside.
  const cases: [string, Partial<CompleteProfileRecord>, boolean][] = [
    ['the classic record', {}, true],
    ['a floor of 0', { floorMs: 0 }, true],
    ['a negative floor', { floorMs: -1 }, false],
    ['a ceiling below the floor', { floorMs: 50, ceilingMs: 49 }, false],
    ['the largest ceiling', { ceilingMs: abi.PROFILE_MAX_CEILING_MS }, true],
    ['a ceiling past the largest', { ceilingMs: abi.PROFILE_MAX_CEILING_MS + 1 }, false],
    ['a quantile of 0', { quantile: 0 }, false],
    ['a quantile of 1', { quantile: 1 }, false],
    ['the shortest memory', { memoryPackets: abi.PROFILE_MIN_MEMORY_PACKETS }, true],
    ['a memory below the shortest', { memoryPackets: abi.PROFILE_MIN_MEMORY_PACKETS - 0.5 }, false],
    ['a negative deadband', { deadbandMs: -0.1 }, false],
    ['a stretch rate of 0', { stretchRate: 0 }, false],
    ['the largest stretch rates', { stretchRate: abi.PROFILE_MAX_STRETCH_RATE, fastStretchRate: abi.PROFILE_MAX_STRETCH_RATE }, true],
    ['a fast rate below the rate', { stretchRate: 0.2, fastStretchRate: 0.1 }, false],
    ['a fast rate past the largest', { fastStretchRate: abi.PROFILE_MAX_STRETCH_RATE + 0.01 }, false],
    ['fastAboveMs equal to the deadband', { deadbandMs: 5, fastAboveMs: 5 }, false],
    ['a negative episode cost', { episodeCostMs: -1 }, false],
    ['a lateness window under a second', { latenessWindowMs: 999 }, false],
    ['an infinite memory', { memoryPackets: Infinity }, false],
    ['a NaN lateness window', { latenessWindowMs: Number.NaN }, false],
  ];

  it.each(cases)('%s is judged alike by the engine and by validateProfile', (_name, change, valid) => {
    const record = { ...classic, ...change };
    expect(engineAccepts(record)).toBe(valid);
    if (valid) expect(validateProfile(record, 'test')).toEqual(record);
    else expect(() => validateProfile(record, 'test')).toThrow(JitterlaneError);
  });

  it('names the field and the rule a record breaks', () => {
    expect(() => validateProfile({ floorMs: 10, ceilingMs: 100, quantile: 1 }, 'setProfile')).toThrow(/setProfile: invalid profile record .*needs 0 < quantile < 1/);
    expect(() => validateProfile({ floorMs: 10, ceilingMs: 100, stretchRate: '0.1' }, 'setProfile')).toThrow(/stretchRate must be a finite number, got string/);
    engine.destroy();
  });
});
