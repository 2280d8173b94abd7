// Target profiles are data: a record of the few numbers that differ between an
// L4S path (10 ms floor) and a classic one (40 ms floor). Switching profile only
// changes the target; the engine moves the buffer there by time-stretching.

import * as abi from './abi';

export { PROFILE_CLASSIC, PROFILE_L4S, PROFILE_CUSTOM } from './abi';

/**
 * One target profile. Times in ms of output audio. Each field is documented
 * once, with its PROFILE_FIELD_* index in assembly/abi.ts; a new record starts
 * as the classic profile.
 */
export class Profile {
  id: i32 = abi.PROFILE_CLASSIC;
  floorMs: f64 = abi.CLASSIC_FLOOR_MS;
  ceilingMs: f64 = abi.CLASSIC_CEILING_MS;
  quantile: f64 = abi.CLASSIC_QUANTILE;
  memoryPackets: f64 = abi.CLASSIC_MEMORY_PACKETS;
  deadbandMs: f64 = abi.CLASSIC_DEADBAND_MS;
  stretchRate: f64 = abi.CLASSIC_STRETCH_RATE;
  fastStretchRate: f64 = abi.CLASSIC_FAST_STRETCH_RATE;
  fastAboveMs: f64 = abi.CLASSIC_FAST_ABOVE_MS;
  latenessWindowMs: f64 = abi.CLASSIC_LATENESS_WINDOW_MS;
  episodeCostMs: f64 = abi.CLASSIC_EPISODE_COST_MS;

  /** Copies every field of another profile into this one (no allocation). */
  copyFrom(other: Profile): void {
    this.id = other.id;
    this.floorMs = other.floorMs;
    this.ceilingMs = other.ceilingMs;
    this.quantile = other.quantile;
    this.memoryPackets = other.memoryPackets;
    this.deadbandMs = other.deadbandMs;
    this.stretchRate = other.stretchRate;
    this.fastStretchRate = other.fastStretchRate;
    this.fastAboveMs = other.fastAboveMs;
    this.latenessWindowMs = other.latenessWindowMs;
    this.episodeCostMs = other.episodeCostMs;
  }

  /** Fills this record with a built-in profile (values and their reasons: assembly/abi.ts); false for an unknown id. */
  setBuiltIn(id: i32): bool {
    if (id == abi.PROFILE_CLASSIC) {
      this.id = id;
      this.floorMs = abi.CLASSIC_FLOOR_MS;
      this.ceilingMs = abi.CLASSIC_CEILING_MS;
      this.quantile = abi.CLASSIC_QUANTILE;
      this.memoryPackets = abi.CLASSIC_MEMORY_PACKETS;
      this.deadbandMs = abi.CLASSIC_DEADBAND_MS;
      this.stretchRate = abi.CLASSIC_STRETCH_RATE;
      this.fastStretchRate = abi.CLASSIC_FAST_STRETCH_RATE;
      this.fastAboveMs = abi.CLASSIC_FAST_ABOVE_MS;
      this.latenessWindowMs = abi.CLASSIC_LATENESS_WINDOW_MS;
      this.episodeCostMs = abi.CLASSIC_EPISODE_COST_MS;
      return true;
    }
    if (id == abi.PROFILE_L4S) {
      this.id = id;
      this.floorMs = abi.L4S_FLOOR_MS;
      this.ceilingMs = abi.L4S_CEILING_MS;
      this.quantile = abi.L4S_QUANTILE;
      this.memoryPackets = abi.L4S_MEMORY_PACKETS;
      this.deadbandMs = abi.L4S_DEADBAND_MS;
      this.stretchRate = abi.L4S_STRETCH_RATE;
      this.fastStretchRate = abi.L4S_FAST_STRETCH_RATE;
      this.fastAboveMs = abi.L4S_FAST_ABOVE_MS;
      this.latenessWindowMs = abi.L4S_LATENESS_WINDOW_MS;
      this.episodeCostMs = abi.L4S_EPISODE_COST_MS;
      return true;
    }
    return false;
  }

  /** Fills this record from a host's profile record (PROFILE_FIELD_COUNT values at PROFILE_FIELD_* indices). */
  setFromRecord(record: StaticArray<f64>): void {
    this.id = abi.PROFILE_CUSTOM;
    this.floorMs = record[abi.PROFILE_FIELD_FLOOR_MS];
    this.ceilingMs = record[abi.PROFILE_FIELD_CEILING_MS];
    this.quantile = record[abi.PROFILE_FIELD_QUANTILE];
    this.memoryPackets = record[abi.PROFILE_FIELD_MEMORY_PACKETS];
    this.deadbandMs = record[abi.PROFILE_FIELD_DEADBAND_MS];
    this.stretchRate = record[abi.PROFILE_FIELD_STRETCH_RATE];
    this.fastStretchRate = record[abi.PROFILE_FIELD_FAST_STRETCH_RATE];
    this.fastAboveMs = record[abi.PROFILE_FIELD_FAST_ABOVE_MS];
    this.latenessWindowMs = record[abi.PROFILE_FIELD_LATENESS_WINDOW_MS];
    this.episodeCostMs = record[abi.PROFILE_FIELD_EPISODE_COST_MS];
  }

  /**
   * True when every value is finite and in range. The same rule as
   * validateProfile() in src/engine/profile.ts, which every JS entry applies
   * first (with an error naming the field); this is the engine's own guard
   * for hosts that call the exports directly (test/unit/abi_contract.test.ts
   * checks that the two agree).
   */
  isValid(): bool {
    const finite =
      isFinite(this.floorMs) && isFinite(this.ceilingMs) && isFinite(this.quantile) && isFinite(this.memoryPackets) &&
      isFinite(this.deadbandMs) && isFinite(this.stretchRate) && isFinite(this.fastStretchRate) && isFinite(this.fastAboveMs) &&
      isFinite(this.latenessWindowMs) && isFinite(this.episodeCostMs);
    return finite &&
      this.floorMs >= 0 && this.ceilingMs >= this.floorMs && this.ceilingMs <= abi.PROFILE_MAX_CEILING_MS &&
      this.quantile > 0 && this.quantile < 1 && this.memoryPackets >= abi.PROFILE_MIN_MEMORY_PACKETS &&
      this.deadbandMs >= 0 && this.stretchRate > 0 && this.stretchRate <= abi.PROFILE_MAX_STRETCH_RATE &&
      this.fastStretchRate >= this.stretchRate && this.fastStretchRate <= abi.PROFILE_MAX_STRETCH_RATE &&
      this.fastAboveMs > this.deadbandMs &&
      this.latenessWindowMs >= abi.PROFILE_MIN_LATENESS_WINDOW_MS && this.latenessWindowMs <= abi.PROFILE_MAX_LATENESS_WINDOW_MS &&
      this.episodeCostMs >= 0;
  }
}
