// Target profiles at the API edge: the built-in ones, and the one rule a
// custom record must pass, applied by every entry that takes a profile
// (Engine.setProfile and createEngine, JitterlaneNode.setProfile) before
// anything reaches the engine or the audio thread.

import {
  BUILT_IN_RECORDS, PROFILE_FIELDS, PROFILE_MAX_CEILING_MS, PROFILE_MAX_LATENESS_WINDOW_MS, PROFILE_MAX_STRETCH_RATE, PROFILE_MIN_LATENESS_WINDOW_MS,
  PROFILE_MIN_MEMORY_PACKETS, type ProfileFieldName,
} from './contract.js';
import { JitterlaneError } from './errors.js';
import type { ProfileName, ProfileRecord } from './types.js';

/** The parameters of the built-in profiles, as the engine is compiled with them (assembly/abi.ts). */
export const BUILT_IN_PROFILES: Readonly<Record<ProfileName, Readonly<Required<ProfileRecord>>>> = BUILT_IN_RECORDS;

/** Every field of a profile record, filled. */
export type CompleteProfileRecord = Record<ProfileFieldName, number>;

/** The range rules of a record, each with how it reads in an error (assembly/profile.ts Profile.isValid is the engine's copy). */
const RULES: [(p: CompleteProfileRecord) => boolean, string][] = [
  [(p) => p.floorMs >= 0, 'floorMs ≥ 0'],
  [(p) => p.ceilingMs >= p.floorMs, 'ceilingMs ≥ floorMs'],
  [(p) => p.ceilingMs <= PROFILE_MAX_CEILING_MS, `ceilingMs ≤ ${PROFILE_MAX_CEILING_MS}`],
  [(p) => p.quantile > 0 && p.quantile < 1, '0 < quantile < 1'],
  [(p) => p.memoryPackets >= PROFILE_MIN_MEMORY_PACKETS, `memoryPackets ≥ ${PROFILE_MIN_MEMORY_PACKETS}`],
  [(p) => p.deadbandMs >= 0, 'deadbandMs ≥ 0'],
  [(p) => p.stretchRate > 0 && p.stretchRate <= PROFILE_MAX_STRETCH_RATE, `0 < stretchRate ≤ ${PROFILE_MAX_STRETCH_RATE}`],
  [(p) => p.fastStretchRate >= p.stretchRate && p.fastStretchRate <= PROFILE_MAX_STRETCH_RATE, `stretchRate ≤ fastStretchRate ≤ ${PROFILE_MAX_STRETCH_RATE}`],
  [(p) => p.fastAboveMs > p.deadbandMs, 'fastAboveMs > deadbandMs'],
  [
    (p) => p.latenessWindowMs >= PROFILE_MIN_LATENESS_WINDOW_MS && p.latenessWindowMs <= PROFILE_MAX_LATENESS_WINDOW_MS,
    `${PROFILE_MIN_LATENESS_WINDOW_MS} ≤ latenessWindowMs ≤ ${PROFILE_MAX_LATENESS_WINDOW_MS}`,
  ],
  [(p) => p.episodeCostMs >= 0, 'episodeCostMs ≥ 0'],
];

/**
 * Checks a profile given to `where`: a built-in name is returned as it is; a
 * record is returned complete (fields it leaves out take the classic
 * profile's values). Throws JitterlaneError naming what is wrong: not a name
 * or a record, an unknown name, a field that is not a finite number, or a
 * value out of range.
 */
export function validateProfile(profile: unknown, where: string): ProfileName | CompleteProfileRecord {
  if (typeof profile === 'string') {
    if (profile in BUILT_IN_PROFILES) return profile as ProfileName;
    throw new JitterlaneError(`${where}: unknown profile ${JSON.stringify(profile)}; expected 'classic', 'l4s' or a profile record`);
  }
  if (profile === null || typeof profile !== 'object') {
    throw new JitterlaneError(`${where}: expected 'classic', 'l4s' or a profile record, got ${profile === null ? 'null' : typeof profile}`);
  }
  const complete = { ...BUILT_IN_PROFILES.classic } as CompleteProfileRecord;
  for (const field of PROFILE_FIELDS) {
    const value = (profile as Record<string, unknown>)[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new JitterlaneError(`${where}: invalid profile record ${describe(profile)}: ${field} must be a finite number, got ${typeof value === 'number' ? value : typeof value}`);
    }
    complete[field] = value;
  }
  const broken = RULES.find(([holds]) => !holds(complete));
  if (broken) throw new JitterlaneError(`${where}: invalid profile record ${describe(profile)}: needs ${broken[1]}`);
  return complete;
}

function describe(profile: object): string {
  try {
    return JSON.stringify(profile);
  } catch {
    return String(profile);
  }
}
