// Checks assembly/decision.ts: decide() as a table, one status per row and
// the one operation it must choose. The status is filled through the test
// entry's decideWith(), field by field, so no engine runs.

import { beforeAll, describe, expect, it } from 'vitest';
import { loadDspModule, type DspExports } from '../helpers/dsp_module.js';

/** Every field of assembly/decision.ts's Status, frames at 48 kHz. */
interface StatusFields {
  started: boolean;
  packetAvailable: boolean;
  gapFrames: number;
  sequenceContiguous: boolean;
  pauseSignalled: boolean;
  nextIsComfortNoise: boolean;
  startInFrames: number;
  errorFrames: number;
  deadbandFrames: number;
  fastAboveFrames: number;
  stretchBudgetFrames: number;
  minStretchFrames: number;
  lastOutcome: Outcome;
}

type Operation = 'IDLE' | 'NORMAL' | 'ACCELERATE' | 'PREEMPTIVE_EXPAND' | 'EXPAND' | 'MERGE' | 'DTX' | 'ACCELERATE_FAST' | 'COMFORT_NOISE';
type Outcome = 'NONE' | 'NORMAL' | 'STRETCHED' | 'STRETCH_FAILED' | 'CONCEALED' | 'DTX' | 'IDLE';

// The built-in profiles' dead band, 2 ms, and fast threshold, 60 ms
// (assembly/profile.ts), at 48 frames per ms.
const DEADBAND = 96;
const FAST_ABOVE = 2_880;
// The engine's shortest stretch (MIN_PERIOD) and its full allowance
// (STRETCH_BUDGET_CAP, two longest periods), in assembly/engine.ts.
const MIN_STRETCH = 120;
const FULL_BUDGET = 1_440;
// A 20 ms packet's worth of missing audio.
const PACKET = 960;

/** A started stream playing normally on target, with `fields` changed. */
function statusWith(fields: Partial<StatusFields>): StatusFields {
  return {
    started: true,
    packetAvailable: true,
    gapFrames: 0,
    sequenceContiguous: true,
    pauseSignalled: false,
    nextIsComfortNoise: false,
    startInFrames: 0,
    errorFrames: 0,
    deadbandFrames: DEADBAND,
    fastAboveFrames: FAST_ABOVE,
    stretchBudgetFrames: FULL_BUDGET,
    minStretchFrames: MIN_STRETCH,
    lastOutcome: 'NORMAL',
    ...fields,
  };
}

let dsp: DspExports;
let tolerance: number;

beforeAll(async () => {
  dsp = (await loadDspModule()).exports;
  tolerance = dsp.CONTIGUOUS_TOLERANCE_FRAMES.value as number;
});

function decide(s: StatusFields): Operation {
  const code = dsp.decideWith(
    s.started,
    s.packetAvailable,
    s.gapFrames,
    s.sequenceContiguous,
    s.pauseSignalled,
    s.nextIsComfortNoise,
    s.startInFrames,
    s.errorFrames,
    s.deadbandFrames,
    s.fastAboveFrames,
    s.stretchBudgetFrames,
    s.minStretchFrames,
    dsp[`OUTCOME_${s.lastOutcome}`].value as number,
  );
  const operations: Operation[] = ['IDLE', 'NORMAL', 'ACCELERATE', 'PREEMPTIVE_EXPAND', 'EXPAND', 'MERGE', 'DTX', 'ACCELERATE_FAST', 'COMFORT_NOISE'];
  const name = operations.find((op) => dsp[`OP_${op}`].value === code);
  if (name === undefined) throw new Error(`decide returned unknown operation ${code}`);
  return name;
}

interface Row {
  when: string;
  status: StatusFields;
  expected: Operation;
}

const rows: Row[] = [
  // Before the stream starts.
  { when: 'not started and no packet waits', status: statusWith({ started: false, packetAvailable: false }), expected: 'IDLE' },
  { when: 'not started and the first packet is due in 10 ms', status: statusWith({ started: false, startInFrames: 480 }), expected: 'IDLE' },
  { when: 'not started and the first packet is due now', status: statusWith({ started: false, startInFrames: 0 }), expected: 'NORMAL' },
  { when: 'not started and the first packet is overdue', status: statusWith({ started: false, startInFrames: -480 }), expected: 'NORMAL' },

  // Missing audio.
  { when: 'started and no packet waits', status: statusWith({ packetAvailable: false }), expected: 'EXPAND' },
  { when: 'the next packet is 20 ms on, after a sequence gap (a loss)', status: statusWith({ gapFrames: PACKET, sequenceContiguous: false }), expected: 'EXPAND' },
  // Issue #13: a timestamp gap is a pause only where the sender signalled one.
  { when: 'the next packet is 20 ms on, without a sequence gap, after a DTX frame or comfort noise (a signalled pause)', status: statusWith({ gapFrames: PACKET, sequenceContiguous: true, pauseSignalled: true }), expected: 'DTX' },
  { when: 'the next packet is 20 ms on, without a sequence gap, and nothing signalled a pause (a sender-side drop)', status: statusWith({ gapFrames: PACKET, sequenceContiguous: true }), expected: 'EXPAND' },
  { when: 'the next packet is 20 ms on, after a sequence gap, although a pause was signalled (a loss inside it)', status: statusWith({ gapFrames: PACKET, sequenceContiguous: false, pauseSignalled: true }), expected: 'EXPAND' },
  { when: 'started, no packet waits, after a DTX frame or comfort noise (the pause goes on)', status: statusWith({ packetAvailable: false, pauseSignalled: true }), expected: 'DTX' },

  // Comfort noise (RFC 3389).
  { when: 'the next packet is comfort noise, contiguous', status: statusWith({ nextIsComfortNoise: true }), expected: 'COMFORT_NOISE' },
  { when: 'the next packet is comfort noise, after concealment', status: statusWith({ nextIsComfortNoise: true, lastOutcome: 'CONCEALED' }), expected: 'COMFORT_NOISE' },
  { when: 'not started and the first packet, due now, is comfort noise', status: statusWith({ started: false, nextIsComfortNoise: true }), expected: 'COMFORT_NOISE' },
  {
    when: 'the next packet is within the contiguity tolerance, after a sequence gap',
    status: statusWith({ gapFrames: 2, sequenceContiguous: false }),
    expected: 'NORMAL',
  },
  { when: 'a loss follows concealment', status: statusWith({ gapFrames: PACKET, sequenceContiguous: false, lastOutcome: 'CONCEALED' }), expected: 'EXPAND' },

  // Back from concealment.
  { when: 'the next packet is contiguous after concealment', status: statusWith({ lastOutcome: 'CONCEALED' }), expected: 'MERGE' },
  {
    when: 'the next packet is contiguous after concealment, far above target',
    status: statusWith({ lastOutcome: 'CONCEALED', errorFrames: 2 * FAST_ABOVE }),
    expected: 'MERGE',
  },

  // Above target.
  { when: 'the delay is above target by more than the fast threshold', status: statusWith({ errorFrames: FAST_ABOVE + 1 }), expected: 'ACCELERATE_FAST' },
  {
    when: 'the delay is above the fast threshold with no stretch budget',
    status: statusWith({ errorFrames: FAST_ABOVE + 1, stretchBudgetFrames: 0 }),
    expected: 'ACCELERATE_FAST',
  },
  { when: 'the delay is exactly at the fast threshold', status: statusWith({ errorFrames: FAST_ABOVE }), expected: 'ACCELERATE' },
  { when: 'the delay is above the dead band with budget', status: statusWith({ errorFrames: DEADBAND + 1 }), expected: 'ACCELERATE' },
  {
    when: 'the delay is above the dead band with exactly one shortest stretch of budget',
    status: statusWith({ errorFrames: DEADBAND + 1, stretchBudgetFrames: MIN_STRETCH }),
    expected: 'ACCELERATE',
  },
  {
    when: 'the delay is above the dead band with less budget than the shortest stretch',
    status: statusWith({ errorFrames: DEADBAND + 1, stretchBudgetFrames: MIN_STRETCH - 1 }),
    expected: 'NORMAL',
  },
  {
    when: 'the delay is above the dead band after a refused stretch',
    status: statusWith({ errorFrames: DEADBAND + 1, lastOutcome: 'STRETCH_FAILED' }),
    expected: 'ACCELERATE',
  },

  // Below target.
  { when: 'the delay is below the dead band with budget', status: statusWith({ errorFrames: -DEADBAND - 1 }), expected: 'PREEMPTIVE_EXPAND' },
  {
    when: 'the delay is below the dead band without budget',
    status: statusWith({ errorFrames: -DEADBAND - 1, stretchBudgetFrames: MIN_STRETCH - 1 }),
    expected: 'NORMAL',
  },

  // Inside the dead band.
  { when: 'the delay is on target', status: statusWith({ errorFrames: 0 }), expected: 'NORMAL' },
  { when: 'the delay is at the dead band’s upper edge', status: statusWith({ errorFrames: DEADBAND }), expected: 'NORMAL' },
  { when: 'the delay is at the dead band’s lower edge', status: statusWith({ errorFrames: -DEADBAND }), expected: 'NORMAL' },
];

describe('decide', () => {
  it('counts gaps up to CONTIGUOUS_TOLERANCE_FRAMES (2) as contiguous, which the table relies on', () => {
    expect(tolerance).toBe(2);
  });

  it.each(rows)('chooses $expected when $when', ({ status, expected }) => {
    expect(decide(status)).toBe(expected);
  });

  it('is pure: the same status gives the same operation after other decisions', () => {
    const first = rows.map((row) => decide(row.status));
    const again = [...rows].reverse().map((row) => decide(row.status)).reverse();
    expect(again).toEqual(first);
  });
});
