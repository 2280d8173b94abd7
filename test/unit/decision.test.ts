// Checks assembly/decision.ts: decide() as tables, one status per row and
// the one operation it must choose, then how much of it (the frames made, how
// far the playout point moves, whether concealment waits); and the two rules
// for concealment played while the buffer was dry. The status is filled
// through the test entry's decideWith(), field by field, so no engine runs.

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
  needFrames: number;
  fecFrames: number;
  sequenceGap: boolean;
  codecConcealing: boolean;
  headroomFrames: number;
  playedGapFrames: number;
  arrivedAheadFrames: number;
  marginFrames: number;
  outOfBandFrames: number;
  profileSwitch: boolean;
}

type Operation = 'IDLE' | 'NORMAL' | 'ACCELERATE' | 'PREEMPTIVE_EXPAND' | 'EXPAND' | 'MERGE' | 'DTX' | 'ACCELERATE_FAST' | 'COMFORT_NOISE' | 'FEC';
type Outcome = 'NONE' | 'NORMAL' | 'STRETCHED' | 'STRETCH_FAILED' | 'CONCEALED' | 'DTX' | 'IDLE';

// The built-in profiles' dead band, 2 ms, and fast threshold, 60 ms
// (assembly/profile.ts), at 48 frames per ms.
const DEADBAND = 96;
const FAST_ABOVE = 2_880;
// The engine's shortest stretch (MIN_PERIOD) and its full allowance
// (STRETCH_BUDGET_CAP, two longest periods), in assembly/dsp/voiced_stretch.ts and assembly/stretcher.ts.
const MIN_STRETCH = 120;
const FULL_BUDGET = 1_440;
// A 20 ms packet's worth of missing audio.
const PACKET = 960;
// A render quantum: what a pull asks for.
const QUANTUM = 128;
// Room under the ceiling in the default status: a whole packet.
const HEADROOM = 960;

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
    needFrames: QUANTUM,
    fecFrames: 0,
    sequenceGap: false,
    codecConcealing: false,
    headroomFrames: HEADROOM,
    playedGapFrames: 0,
    // The waiting packet came a pull ago: what every packet needs before its audio plays.
    arrivedAheadFrames: QUANTUM,
    marginFrames: QUANTUM,
    outOfBandFrames: 0,
    profileSwitch: false,
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
    s.needFrames,
    s.fecFrames,
    s.sequenceGap,
    s.codecConcealing,
    s.headroomFrames,
    s.playedGapFrames,
    s.arrivedAheadFrames,
    s.marginFrames,
    s.outOfBandFrames,
    s.profileSwitch,
  );
  const operations: Operation[] = ['IDLE', 'NORMAL', 'ACCELERATE', 'PREEMPTIVE_EXPAND', 'EXPAND', 'MERGE', 'DTX', 'ACCELERATE_FAST', 'COMFORT_NOISE', 'FEC'];
  const name = operations.find((op) => dsp[`OP_${op}`].value === code);
  if (name === undefined) throw new Error(`decide returned unknown operation ${code}`);
  return name;
}

/** A packet lost just before the waiting one, which carries 20 ms of FEC, with `fields` changed. */
function lostBeforeFec(fields: Partial<StatusFields>): Partial<StatusFields> {
  return { gapFrames: PACKET, sequenceContiguous: false, sequenceGap: true, fecFrames: PACKET, ...fields };
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

  // In-band FEC (the waiting packet carries the missing one's audio).
  { when: 'a packet is lost and the next carries 20 ms of FEC', status: statusWith(lostBeforeFec({})), expected: 'FEC' },
  { when: 'the FEC reaches the gap within the contiguity tolerance', status: statusWith(lostBeforeFec({ gapFrames: PACKET + 2 })), expected: 'FEC' },
  { when: 'the gap is longer than the FEC reaches (two packets lost)', status: statusWith(lostBeforeFec({ gapFrames: 2 * PACKET })), expected: 'EXPAND' },
  { when: 'the FEC follows codec concealment (the decoder ran on)', status: statusWith(lostBeforeFec({ lastOutcome: 'CONCEALED', codecConcealing: true })), expected: 'FEC' },
  { when: 'the FEC follows pitch-repetition concealment (the decoder did not run on)', status: statusWith(lostBeforeFec({ lastOutcome: 'CONCEALED' })), expected: 'EXPAND' },
  { when: 'the waiting packet carries FEC but no packet is missing before it', status: statusWith(lostBeforeFec({ sequenceGap: false })), expected: 'EXPAND' },
  { when: 'the waiting packet’s FEC was used already (marked negative)', status: statusWith(lostBeforeFec({ fecFrames: -PACKET })), expected: 'EXPAND' },
  { when: 'a signalled pause precedes a packet with FEC', status: statusWith(lostBeforeFec({ sequenceContiguous: true, pauseSignalled: true })), expected: 'DTX' },

  // Back from concealment.
  { when: 'the next packet is contiguous after concealment', status: statusWith({ lastOutcome: 'CONCEALED' }), expected: 'MERGE' },
  {
    when: 'the next packet is contiguous after concealment, far above target',
    status: statusWith({ lastOutcome: 'CONCEALED', errorFrames: 2 * FAST_ABOVE }),
    expected: 'MERGE',
  },

  // Back from concealment too soon: the packet that ends it came less than a pull ago.
  { when: 'the next packet is contiguous after concealment but came 28 frames ago', status: statusWith({ lastOutcome: 'CONCEALED', arrivedAheadFrames: 28 }), expected: 'EXPAND' },
  {
    when: 'the next packet came 28 frames ago after concealment, but waiting for it would pass the ceiling',
    status: statusWith({ lastOutcome: 'CONCEALED', arrivedAheadFrames: 28, headroomFrames: 99 }),
    expected: 'MERGE',
  },
  { when: 'a packet that came 28 frames ago follows normal playout (no concealment to lengthen)', status: statusWith({ arrivedAheadFrames: 28 }), expected: 'NORMAL' },

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

/** How much of its operation decide() chose, as the test entry reads the Decision back. */
interface Size {
  frames: number;
  skipFrames?: number;
  jumpFrames?: number;
  advanceFrames?: number;
  waits?: boolean;
}

function size(s: StatusFields): Size & { op: Operation } {
  const op = decide(s);
  return {
    op,
    frames: dsp.decisionFrames(),
    skipFrames: dsp.decisionSkipFrames(),
    jumpFrames: dsp.decisionJumpFrames(),
    advanceFrames: dsp.decisionAdvanceFrames(),
    waits: dsp.decisionWaits() !== 0,
  };
}

interface SizeRow {
  when: string;
  status: StatusFields;
  op: Operation;
  expected: Size;
}

// Expected values follow the rules written beside each case in assembly/decision.ts.
const sizeRows: SizeRow[] = [
  // Silence before the start: up to the first packet's start (rounded up), at most the pull.
  { when: 'idle with no packet', status: statusWith({ started: false, packetAvailable: false }), op: 'IDLE', expected: { frames: QUANTUM } },
  { when: 'idle with the first packet due in 10.2 frames', status: statusWith({ started: false, startInFrames: 10.2 }), op: 'IDLE', expected: { frames: 11 } },
  { when: 'idle with the first packet due after the pull', status: statusWith({ started: false, startInFrames: 1_000 }), op: 'IDLE', expected: { frames: QUANTUM } },

  // A known loss: concealed in place, up to the waiting packet, skipping ahead above target.
  { when: 'a loss longer than the pull, on target', status: statusWith({ gapFrames: PACKET, sequenceContiguous: false }), op: 'EXPAND', expected: { frames: QUANTUM, advanceFrames: QUANTUM } },
  { when: 'a loss shorter than the pull', status: statusWith({ gapFrames: 50.5, sequenceContiguous: false }), op: 'EXPAND', expected: { frames: 51, advanceFrames: 50.5 } },
  {
    when: 'a loss 200 frames above the dead band: the concealment skips ahead by the excess',
    status: statusWith({ gapFrames: PACKET, sequenceContiguous: false, errorFrames: DEADBAND + 200 }),
    op: 'EXPAND',
    expected: { frames: QUANTUM, advanceFrames: QUANTUM + 200 },
  },
  {
    when: 'a loss far above target: the skip stops at the waiting packet',
    status: statusWith({ gapFrames: 300, sequenceContiguous: false, errorFrames: 10 * PACKET }),
    op: 'EXPAND',
    expected: { frames: QUANTUM, advanceFrames: 300 },
  },
  {
    when: 'two packets lost before one with FEC: the concealment leaves the FEC’s span',
    status: statusWith(lostBeforeFec({ gapFrames: 2 * PACKET, needFrames: 2_000 })),
    op: 'EXPAND',
    expected: { frames: PACKET, advanceFrames: PACKET },
  },

  // Dry: concealment waits for the missing audio up to the ceiling, then stands in for it.
  { when: 'dry with the pull still under the ceiling', status: statusWith({ packetAvailable: false, headroomFrames: QUANTUM }), op: 'EXPAND', expected: { frames: QUANTUM, advanceFrames: 0, waits: true } },
  { when: 'dry with the pull past the ceiling', status: statusWith({ packetAvailable: false, headroomFrames: QUANTUM - 1 }), op: 'EXPAND', expected: { frames: QUANTUM, advanceFrames: QUANTUM, waits: false } },

  // Back from concealment too soon: it waits out the rest of the pull, the playout point staying.
  {
    when: 'the packet ending a concealment came 28 frames ago',
    status: statusWith({ lastOutcome: 'CONCEALED', arrivedAheadFrames: 28 }),
    op: 'EXPAND',
    expected: { frames: 100, advanceFrames: 0, waits: true },
  },
  {
    when: 'the packet ending a concealment came 28 frames ago and 60 frames are asked',
    status: statusWith({ lastOutcome: 'CONCEALED', arrivedAheadFrames: 28, needFrames: 60 }),
    op: 'EXPAND',
    expected: { frames: 60, advanceFrames: 0, waits: true },
  },

  // A signalled pause moves the delay to the target at once.
  { when: 'a pause goes on dry under the ceiling', status: statusWith({ packetAvailable: false, pauseSignalled: true }), op: 'DTX', expected: { frames: QUANTUM, advanceFrames: 0 } },
  { when: 'a pause goes on dry past the ceiling', status: statusWith({ packetAvailable: false, pauseSignalled: true, headroomFrames: 0 }), op: 'DTX', expected: { frames: QUANTUM, advanceFrames: QUANTUM } },
  { when: 'a pause before the next talkspurt, on target', status: statusWith({ gapFrames: PACKET, pauseSignalled: true }), op: 'DTX', expected: { frames: QUANTUM, jumpFrames: 0, advanceFrames: QUANTUM } },
  {
    when: 'a pause 500 frames above target: it is shortened by 500 at once',
    status: statusWith({ gapFrames: PACKET, pauseSignalled: true, errorFrames: 500 }),
    op: 'DTX',
    expected: { frames: QUANTUM, jumpFrames: 500, advanceFrames: QUANTUM },
  },
  {
    when: 'a pause shorter than the excess: the jump closes it, nothing plays',
    status: statusWith({ gapFrames: PACKET, pauseSignalled: true, errorFrames: 2_000 }),
    op: 'DTX',
    expected: { frames: 0, jumpFrames: PACKET, advanceFrames: 0 },
  },
  {
    when: 'a pause 300 frames below target, a quantum asked: it is lengthened, the playout point stays',
    status: statusWith({ gapFrames: PACKET, pauseSignalled: true, errorFrames: -300 }),
    op: 'DTX',
    expected: { frames: QUANTUM, jumpFrames: 0, advanceFrames: 0 },
  },
  {
    when: 'a pause 300 frames below target, 1000 frames asked: 300 lengthen it, 700 play of it',
    status: statusWith({ gapFrames: PACKET, pauseSignalled: true, errorFrames: -300, needFrames: 1_000 }),
    op: 'DTX',
    expected: { frames: 1_000, jumpFrames: 0, advanceFrames: 700 },
  },

  // FEC: its whole span, less what waited concealment already stood in for.
  { when: 'FEC for exactly the gap', status: statusWith(lostBeforeFec({})), op: 'FEC', expected: { frames: PACKET, skipFrames: 0 } },
  { when: 'FEC after 60 frames of waited concealment', status: statusWith(lostBeforeFec({ gapFrames: PACKET - 60 })), op: 'FEC', expected: { frames: PACKET, skipFrames: 60 } },
  { when: 'FEC 2 frames short of the gap', status: statusWith(lostBeforeFec({ gapFrames: PACKET + 2 })), op: 'FEC', expected: { frames: PACKET, skipFrames: 0 } },
];

describe('decide: how much', () => {
  it.each(sizeRows)('sizes $op when $when', ({ status, op, expected }) => {
    const got = size(status);
    expect(got.op).toBe(op);
    expect(got).toMatchObject(expected);
  });

  it('sizes nothing for the operations that size themselves (normal, merge, stretches, comfort noise)', () => {
    for (const s of [statusWith({}), statusWith({ lastOutcome: 'CONCEALED' }), statusWith({ errorFrames: DEADBAND + 1 }), statusWith({ nextIsComfortNoise: true })]) {
      size(statusWith({ packetAvailable: false }));
      expect(size(s)).toMatchObject({ frames: 0, skipFrames: 0, jumpFrames: 0, advanceFrames: 0, waits: false });
    }
  });
});

describe('decide: the delay moves in quiet audio first', () => {
  // QUIET_FIRST_FRAMES (assembly/decision.ts): a second of 48 kHz output; an excess is held up to two while
  // excess ms × seconds held < 100 (QUIET_FIRST_EXCESS_BUDGET_MS_SECONDS).
  const SECOND = 48_000;
  const MS = 48;
  it.each([
    { when: 'the delay just rose above the dead band', fields: { errorFrames: DEADBAND + 1, outOfBandFrames: 0 }, op: 'ACCELERATE', quietOnly: true },
    { when: 'it has been above it for just under a second', fields: { errorFrames: DEADBAND + 1, outOfBandFrames: SECOND - 1 }, op: 'ACCELERATE', quietOnly: true },
    { when: 'a small excess has been above it for a second (held on)', fields: { errorFrames: DEADBAND + 1, outOfBandFrames: SECOND }, op: 'ACCELERATE', quietOnly: true },
    { when: 'a small excess has been above it for just under two seconds', fields: { errorFrames: DEADBAND + 1, outOfBandFrames: 2 * SECOND - 1 }, op: 'ACCELERATE', quietOnly: true },
    { when: 'a small excess has been above it for two seconds', fields: { errorFrames: DEADBAND + 1, outOfBandFrames: 2 * SECOND }, op: 'ACCELERATE', quietOnly: false },
    { when: 'a 40 ms excess has been above it for 1.5 s (60 ms·s)', fields: { errorFrames: 40 * MS, outOfBandFrames: 1.5 * SECOND }, op: 'ACCELERATE', quietOnly: true },
    { when: 'an 80 ms excess has been above it for 1.5 s (120 ms·s)', fields: { errorFrames: 80 * MS, outOfBandFrames: 1.5 * SECOND }, op: 'ACCELERATE_FAST', quietOnly: false },
    { when: 'the excess is 50 ms (a spike waited out)', fields: { errorFrames: 2400, outOfBandFrames: 0 }, op: 'ACCELERATE', quietOnly: true },
    { when: 'the excess is a profile switch\'s (the app asked for the lower delay)', fields: { errorFrames: DEADBAND + 1, outOfBandFrames: 0, profileSwitch: true }, op: 'ACCELERATE', quietOnly: false },
    { when: 'it is above the fast threshold (a backlog)', fields: { errorFrames: FAST_ABOVE + 1, outOfBandFrames: 0 }, op: 'ACCELERATE_FAST', quietOnly: true },
    { when: 'a 100 ms backlog has been above the band for a second', fields: { errorFrames: 100 * MS, outOfBandFrames: SECOND }, op: 'ACCELERATE_FAST', quietOnly: false },
    { when: 'a backlog just over the fast threshold has been above the band for a second', fields: { errorFrames: FAST_ABOVE + 1, outOfBandFrames: SECOND }, op: 'ACCELERATE_FAST', quietOnly: true },
    { when: 'a profile switch left a backlog', fields: { errorFrames: FAST_ABOVE + 1, outOfBandFrames: 0, profileSwitch: true }, op: 'ACCELERATE_FAST', quietOnly: false },
    { when: 'the delay just fell below the dead band', fields: { errorFrames: -DEADBAND - 1, outOfBandFrames: 0 }, op: 'PREEMPTIVE_EXPAND', quietOnly: true },
    { when: 'it has been below it for just under a second', fields: { errorFrames: -DEADBAND - 1, outOfBandFrames: SECOND - 1 }, op: 'PREEMPTIVE_EXPAND', quietOnly: true },
    { when: 'it has been below it for a second', fields: { errorFrames: -DEADBAND - 1, outOfBandFrames: SECOND }, op: 'PREEMPTIVE_EXPAND', quietOnly: false },
    { when: 'the shortfall is more than two dead bands (cover missing, not the target wandering)', fields: { errorFrames: -2 * DEADBAND - 1, outOfBandFrames: 0 }, op: 'PREEMPTIVE_EXPAND', quietOnly: false },
    { when: 'the shortfall is two dead bands', fields: { errorFrames: -2 * DEADBAND, outOfBandFrames: 0 }, op: 'PREEMPTIVE_EXPAND', quietOnly: true },
    { when: 'the shortfall is a profile switch\'s (the app asked for the higher delay)', fields: { errorFrames: -DEADBAND - 1, outOfBandFrames: 0, profileSwitch: true }, op: 'PREEMPTIVE_EXPAND', quietOnly: false },
    { when: 'the delay is within the band', fields: { errorFrames: DEADBAND, outOfBandFrames: 0 }, op: 'NORMAL', quietOnly: false },
  ] as const)('$op, quiet only: $quietOnly, when $when', ({ fields, op, quietOnly }) => {
    expect(decide(statusWith(fields))).toBe(op);
    expect(dsp.decisionQuietOnly() !== 0).toBe(quietOnly);
  });
});

describe('decide: the decoder after a concealment', () => {
  // A codec's decoder conceals by running on; when the packet the concealment waited for
  // arrives after all (late, not lost) it must decode from the state before the concealment.
  it.each([
    { when: 'the packet awaited arrives contiguous with the last one played (it was late)', fields: { lastOutcome: 'CONCEALED' as Outcome }, op: 'MERGE', rollBack: true },
    { when: 'it is within the contiguity tolerance', fields: { lastOutcome: 'CONCEALED' as Outcome, playedGapFrames: 2 }, op: 'MERGE', rollBack: true },
    { when: 'the concealment stood in for a lost packet (the playout point moved past it)', fields: { lastOutcome: 'CONCEALED' as Outcome, playedGapFrames: PACKET }, op: 'MERGE', rollBack: false },
    { when: 'waited concealment was credited against a loss', fields: { lastOutcome: 'CONCEALED' as Outcome, playedGapFrames: 300 }, op: 'MERGE', rollBack: false },
    { when: 'nothing was concealed', fields: {}, op: 'NORMAL', rollBack: false },
    { when: 'a loss is still to conceal', fields: { lastOutcome: 'CONCEALED' as Outcome, gapFrames: PACKET, playedGapFrames: PACKET }, op: 'EXPAND', rollBack: false },
  ])('$op, rolling back $rollBack, when $when', ({ fields, op, rollBack }) => {
    expect(decide(statusWith(fields))).toBe(op);
    expect(dsp.decisionRollBack() !== 0).toBe(rollBack);
  });
});

describe('waitedCredit', () => {
  it.each([
    { when: 'nothing waited', waited: 0, gap: PACKET, expected: 0 },
    { when: 'the gap is within the contiguity tolerance', waited: 500, gap: 2, expected: 0 },
    { when: 'the wait was shorter than the gap', waited: 500, gap: PACKET, expected: 500 },
    { when: 'the wait was longer than the gap', waited: 2_000, gap: PACKET, expected: PACKET },
  ])('credits $expected frames when $when', ({ waited, gap, expected }) => {
    expect(dsp.waitedCredit(waited, gap)).toBe(expected);
  });
});

describe('pauseShare', () => {
  it.each([
    { when: 'outside a signalled pause', pending: 500, inPause: false, gap: PACKET, expected: 0 },
    { when: 'inside a pause longer than the concealment', pending: 500, inPause: true, gap: PACKET, expected: 500 },
    { when: 'inside a pause shorter than the concealment (the packet after it came late)', pending: 2_000, inPause: true, gap: PACKET, expected: PACKET },
    { when: 'inside a pause the timeline went back over', pending: 500, inPause: true, gap: -10, expected: 0 },
  ])('counts $expected frames as pause when $when', ({ pending, inPause, gap, expected }) => {
    expect(dsp.pauseShare(pending, inPause, gap)).toBe(expected);
  });
});
