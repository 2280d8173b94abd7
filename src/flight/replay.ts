// Replays a flight recording (recording.ts) through a fresh engine in Node:
// the same inserts, with the same payloads and arrival frames, between the
// same pulls, with the same profile changes. The engine being a pure function
// of those calls, the replay's output fingerprint and stats equal the live
// run's; where they do not, the recording was cut short (dropped records) or
// the engine build differs.

import { PROFILE_FIELDS, PROFILE_IDS, SAMPLE_RATE, type ProfileFieldName } from '../engine/contract.js';
import { loadEngineModule, sharedLibOpus } from '../engine/node_loader.js';
import type { CodecName, EngineStats, ProfileName, ProfileRecord } from '../engine/index.js';
import { operationArtefacts, type OperationArtefacts } from '../replay/artefacts.js';
import { operationOf } from '../replay/prepared.js';
import type { OperationEvent } from '../replay/types.js';
import { fingerprintPull, parseFlightFile, readFlightRecords, type FlightHeader } from './recording.js';

/** What a replay of a flight recording gives, next to what the live run recorded. */
export interface FlightReplayResult {
  header: FlightHeader;
  inserts: number;
  pulls: number;
  /** FNV-1a of the replay's output, to compare with header.outputFnv1a. */
  outputFnv1a: number;
  stats: EngineStats;
  /**
   * What a listener heard, from the replay's operations: concealment
   * episodes and time-stretches per minute of output, over the whole
   * recording or the span asked for (FlightReplayOptions.span).
   */
  artefacts: OperationArtefacts;
  /** True when the replay's fingerprint and the live one agree. */
  matches: boolean;
}

function profileOf(id: number, record: number[] | null): ProfileName | ProfileRecord {
  if (record) return Object.fromEntries(PROFILE_FIELDS.map((name: ProfileFieldName, i: number) => [name, record[i]])) as unknown as ProfileRecord;
  const name = (Object.keys(PROFILE_IDS) as ProfileName[]).find((n) => PROFILE_IDS[n] === id);
  if (!name) throw new Error(`flight recording: unknown built-in profile id ${id}`);
  return name;
}

/** How to replay a recording. */
export interface FlightReplayOptions {
  /**
   * What if the call had played with this profile: the same arrivals and
   * pulls under another decision rule. The recorded profile changes are then
   * ignored, and the fingerprint is not expected to match.
   */
  profile?: ProfileName | ProfileRecord;
  /**
   * Output frames (the engine's clock: EngineStats.nowFrames, as a live
   * node's getStats() reads it) the artefacts are counted between; the whole
   * recording when absent.
   */
  span?: { fromFrame: number; toFrame: number };
}

/** Replays the flight file's calls through a fresh engine. */
export function replayFlight(file: Uint8Array, options: FlightReplayOptions = {}): FlightReplayResult {
  const { header, records } = parseFlightFile(file);
  const o = header.engine;
  const engine = loadEngineModule().createEngine({
    codec: o.codec as CodecName,
    opus: o.codec === 'opus' ? sharedLibOpus() : undefined,
    channels: o.channels,
    clockRate: o.clockRate,
    payloadRate: o.payloadRate,
    profile: options.profile ?? (o.profile as ProfileName | ProfileRecord),
    slots: o.slots,
    slotBytes: o.slotBytes,
    eventLog: true,
  });
  const from = options.span?.fromFrame ?? 0;
  const to = options.span?.toFrame ?? Infinity;
  const operations: OperationEvent[] = [];
  const scratch = new Float32Array(1);
  const bits = new Uint32Array(scratch.buffer);
  let hash = 0x811c9dc5;
  let inserts = 0;
  let pulls = 0;
  for (const r of readFlightRecords(records)) {
    if (r.kind === 'insert') {
      const input = engine.inputView;
      input.set(r.payload);
      engine.insertWritten(r.payload.length, r.sequenceNumber, r.timestamp, r.ssrc, r.arrivalFrame, r.flags);
      inserts++;
    } else if (r.kind === 'pull') {
      const out = engine.pull(r.frames);
      hash = fingerprintPull(hash, out, out.length, r.frames, bits, scratch);
      pulls++;
      // Drained every pull: the log's ring would overwrite what a long pull sequence left in it.
      for (const e of engine.drainEvents()) {
        const operation = e.frame >= from && e.frame < to ? operationOf(e) : null;
        if (operation) operations.push(operation);
      }
    } else if (r.kind === 'profile') {
      if (!options.profile) engine.setProfile(profileOf(r.id, r.record));
    } else {
      engine.reset();
    }
  }
  const stats = engine.stats();
  engine.destroy();
  const minutes = Math.max(0, Math.min(to, stats.nowFrames) - from) / SAMPLE_RATE / 60;
  const artefacts = operationArtefacts(operations, SAMPLE_RATE, minutes);
  return { header, inserts, pulls, outputFnv1a: hash, stats, artefacts, matches: hash === header.outputFnv1a };
}
