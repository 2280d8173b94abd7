// `npm start`: every trace of a folder under both profiles, one comparison
// table (cost against the reference buffers and the hindsight oracles), and
// each replay's outputs under out/TRACE/PROFILE/.

import { join } from 'node:path';
import { readTrace, TraceError } from '../trace/index.js';
import { replay } from './driver.js';
import { fixedOracle, windowOracle } from './oracle.js';
import { writeReplayOutputs } from './outputs.js';
import { metricsReport, qualityFigures, referenceBound, type QualityFigures } from './quality.js';
import { formatTable } from './table.js';
import { streamReport } from './stream_report.js';
import { traceFiles, type TraceFile } from './trace_set.js';

/** Output WAVs are written for traces up to this long: longer ones would be hundreds of MB of float32. */
const WAV_LIMIT_SECONDS = 180;

export interface CompareRow {
  trace: string;
  profile: 'l4s' | 'classic';
  figures: QualityFigures;
  /** Better of the Speex and PJSIP costs (issue #2), or null. */
  reference: number | null;
  fixedOracleMs: number;
  windowOracleMs: number;
}

/** A trace of the folder that could not be replayed, and why. */
export interface CompareFailure {
  path: string;
  reason: string;
}

/** The comparison: a row per trace and profile, and the files that could not be read or replayed. */
export interface Comparison {
  rows: CompareRow[];
  failures: CompareFailure[];
}

/**
 * Replays every trace in `dir` under both profiles; writes outputs under `outDir` when given.
 * A file that cannot be read or replayed is listed in `failures` and the others go on.
 */
export function compareTraces(dir: string, outDir?: string, onTrace?: (name: string) => void): Comparison {
  const rows: CompareRow[] = [];
  const failures: CompareFailure[] = [];
  for (const file of traceFiles(dir)) {
    onTrace?.(file.name);
    try {
      rows.push(...compareOne(file, outDir));
    } catch (error) {
      failures.push({ path: file.path, reason: error instanceof TraceError ? error.message : `${file.path}: ${(error as Error).message}` });
    }
  }
  return { rows, failures };
}

/** Both profiles' rows of one trace. */
function compareOne(file: TraceFile, outDir: string | undefined): CompareRow[] {
  const rows: CompareRow[] = [];
  const trace = readTrace(file.path);
  for (const profile of ['l4s', 'classic'] as const) {
    const result = replay(trace, { profile, keepOutput: outDir !== undefined });
    const figures = qualityFigures(result);
    if (outDir) {
      if (result.audioSeconds > WAV_LIMIT_SECONDS) result.output = undefined;
      writeReplayOutputs(join(outDir, file.name, profile), result, { ...metricsReport(figures), ...streamReport(trace, result.audio!) });
    }
    rows.push({
      trace: file.name,
      profile,
      figures,
      reference: referenceBound(file.name),
      fixedOracleMs: fixedOracle(result.records).meanAddedLatencyMs,
      windowOracleMs: windowOracle(result.records).meanAddedLatencyMs,
    });
  }
  return rows;
}

/** The comparison table as text. */
export function formatComparison(rows: CompareRow[]): string {
  const table = rows.map((r) => {
    const m = r.figures.metrics;
    const verdict = r.reference === null ? '' : r.figures.bufferCost < r.reference ? 'below' : 'ABOVE';
    return {
      trace: r.trace,
      profile: r.profile,
      latency: m.meanAddedLatencyMs,
      concealment: m.concealmentRatio * 100,
      bufferConcealment: r.figures.bufferConcealmentRatio * 100,
      cost: r.figures.cost,
      bufferCost: r.figures.bufferCost,
      reference: r.reference ?? '',
      verdict: r.profile === 'l4s' ? verdict : '',
      fixedOracle: r.fixedOracleMs,
      windowOracle: r.windowOracleMs,
      late: m.lateLost,
      lost: m.networkLost,
      bufferEpisodes: r.figures.artefacts.bufferEpisodesPerMin,
      networkEpisodes: r.figures.artefacts.networkEpisodesPerMin,
      shortShare: r.figures.artefacts.shortEpisodeShare * 100,
      stretches: r.figures.artefacts.stretchesPerMin,
      stretchedMs: r.figures.artefacts.stretchedMsPerMin,
      artefacts: r.figures.artefacts.artefactsPerMin,
    };
  });
  return formatTable(table, [
    { key: 'trace', title: 'trace' },
    { key: 'profile', title: 'profile' },
    { key: 'latency', title: 'added ms', digits: 1 },
    { key: 'concealment', title: 'conceal %', digits: 2 },
    { key: 'bufferConcealment', title: 'buffer conceal %', digits: 2 },
    { key: 'cost', title: 'cost', digits: 1 },
    { key: 'bufferCost', title: 'buffer cost', digits: 1 },
    { key: 'reference', title: 'best ref', digits: 1 },
    { key: 'verdict', title: 'l4s vs ref' },
    { key: 'fixedOracle', title: 'fixed oracle ms', digits: 1 },
    { key: 'windowOracle', title: 'window oracle ms', digits: 1 },
    { key: 'late', title: 'late' },
    { key: 'lost', title: 'net lost' },
    { key: 'bufferEpisodes', title: 'buffer ep/min', digits: 1 },
    { key: 'networkEpisodes', title: 'net ep/min', digits: 1 },
    { key: 'shortShare', title: 'ep <10ms %', digits: 0 },
    { key: 'stretches', title: 'stretch/min', digits: 1 },
    { key: 'stretchedMs', title: 'stretch ms/min', digits: 0 },
    { key: 'artefacts', title: 'artefacts/min', digits: 1 },
  ]);
}
