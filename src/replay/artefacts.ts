// Artefacts a listener hears, counted as first-class figures next to latency.
// A concealment ratio says how much audio was synthesised; a listener hears
// how often: a 2.7 ms stall is nearly as audible as a 20 ms one, and every
// catch-up stretch is audible too. So a replay also reports concealment
// episodes (runs of concealment, each one audible break), who caused them,
// how short they were, and time-stretch operations, all per minute of output.

import type { OperationEvent, PacketRecord, ReplayResult } from './types.js';

/** Episodes shorter than this count as "short": a single render quantum or two, the stalls a late packet makes. */
export const SHORT_EPISODE_MS = 10;
/** Concealment events this close (ms) to the end of the one before belong to the same episode (rounding of frame times). */
const CONTIGUOUS_MS = 0.05;

/** What caused a concealment episode. */
export type EpisodeCause =
  /** The audio it stood in for arrived (late, or waited for): the buffer's choice. */
  | 'buffer'
  /** Every packet it stood in for was lost in the network: no buffer could have played them. */
  | 'network';

/** One run of concealment between two stretches of real audio. */
export interface ConcealmentEpisode {
  /** Output time the episode starts, ms. */
  startMs: number;
  /** Concealed audio in the episode, ms. */
  durationMs: number;
  cause: EpisodeCause;
}

/** Artefact figures of one replay (counts, and rates per minute of emitted audio). */
export interface Artefacts {
  /** Minutes of audio emitted from the first played sample: what the rates are per. */
  minutes: number;
  /** Concealment episodes, not counting DTX pauses (silence the sender meant) or the stream's end. */
  concealmentEpisodes: number;
  bufferEpisodes: number;
  networkEpisodes: number;
  concealmentEpisodesPerMin: number;
  bufferEpisodesPerMin: number;
  networkEpisodesPerMin: number;
  /** Share of episodes shorter than SHORT_EPISODE_MS (0 when there are none). */
  shortEpisodeShare: number;
  /** Time-stretch operations (accelerate, fast accelerate, preemptive expand). */
  stretches: number;
  stretchesPerMin: number;
  /** Of the stretches, those that cut or extended quiet audio (below −50 dBFS), which a listener does not hear. */
  quietStretches: number;
  quietStretchesPerMin: number;
  /** Audio removed or inserted by time-stretching, ms per minute. */
  stretchedMsPerMin: number;
  /** Cross-fades from concealment back into real audio. */
  merges: number;
  mergesPerMin: number;
  /** Episodes plus stretch operations per minute: the artefact rate a listener hears. */
  artefactsPerMin: number;
  /** Episodes plus voiced stretches per minute: the artefacts less the quiet stretches. */
  audibleArtefactsPerMin: number;
  episodes: ConcealmentEpisode[];
}

const STRETCH_KINDS = new Set<OperationEvent['kind']>(['accelerate', 'accelerate-fast', 'preemptive-expand']);

/** Concealment events grouped into runs, each run's output start and length in ms. */
function concealmentRuns(events: readonly OperationEvent[], sampleRate: number): { startMs: number; durationMs: number }[] {
  const runs: { startMs: number; durationMs: number }[] = [];
  for (const e of events) {
    if (e.kind !== 'expand') continue;
    const ms = (e.frames * 1000) / sampleRate;
    const last = runs[runs.length - 1];
    if (last && Math.abs(e.timeMs - (last.startMs + last.durationMs)) <= CONTIGUOUS_MS) last.durationMs += ms;
    else runs.push({ startMs: e.timeMs, durationMs: ms });
  }
  return runs;
}

/**
 * Classifies a run by the packets around it: P, the last packet played before
 * it, and N, the first played after it. N right after P with a timestamp gap
 * is a DTX pause (null: not an artefact); N right after P without one means
 * the run waited for N, which arrived late (buffer); otherwise the run stood
 * in for the packets between them: buffer-caused if any of them arrived
 * (played late is impossible, so they were discarded late or evicted),
 * network-caused if none did. No N: the stream ended (null).
 */
function causeOf(
  run: { startMs: number; durationMs: number },
  played: readonly PacketRecord[],
  bySeq: ReadonlyMap<number, PacketRecord>,
  packetMs: number,
): EpisodeCause | null {
  const endMs = run.startMs + run.durationMs;
  let lo = 0;
  let hi = played.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (played[mid].playMs! < endMs - CONTIGUOUS_MS) lo = mid + 1;
    else hi = mid;
  }
  const next = played[lo];
  const previous = lo > 0 ? played[lo - 1] : undefined;
  if (!next || !previous) return null;
  if (next.seq === previous.seq + 1) {
    return next.sendMs - previous.sendMs > 1.5 * packetMs ? null : 'buffer';
  }
  for (let seq = previous.seq + 1; seq < next.seq; seq++) {
    if (bySeq.has(seq)) return 'buffer';
  }
  return 'network';
}

/** Time-stretch operations (and of them the quiet ones), the frames they removed or inserted, and merges. */
function stretchesOf(events: readonly OperationEvent[]): { stretches: number; quietStretches: number; stretchedFrames: number; merges: number } {
  let stretches = 0;
  let quietStretches = 0;
  let stretchedFrames = 0;
  let merges = 0;
  for (const e of events) {
    if (STRETCH_KINDS.has(e.kind)) {
      stretches++;
      if (e.quiet) quietStretches++;
      stretchedFrames += Math.abs(e.frames);
    } else if (e.kind === 'merge') {
      merges++;
    }
  }
  return { stretches, quietStretches, stretchedFrames, merges };
}

/**
 * Artefact figures from the engine's operations alone, for output known
 * without its packets' fates (a flight recording of a live call): every
 * concealment run is an episode, with no cause told, so the run a call ends
 * on and a run that stood in for a signalled pause (DTX) count too, where
 * computeArtefacts and the engine's concealmentEvents leave them out.
 * `minutes` of output is what the rates are per.
 */
export interface OperationArtefacts {
  minutes: number;
  concealmentEpisodes: number;
  concealmentEpisodesPerMin: number;
  stretches: number;
  stretchesPerMin: number;
  quietStretches: number;
  stretchedMsPerMin: number;
  merges: number;
  /** Episodes plus stretch operations per minute, as Artefacts.artefactsPerMin. */
  artefactsPerMin: number;
  /** Episodes plus voiced stretches per minute, as Artefacts.audibleArtefactsPerMin. */
  audibleArtefactsPerMin: number;
}

/** The artefact figures of `events`, `minutes` of output at `sampleRate`. */
export function operationArtefacts(events: readonly OperationEvent[], sampleRate: number, minutes: number): OperationArtefacts {
  const perMin = (n: number) => (minutes > 0 ? n / minutes : 0);
  const episodes = concealmentRuns(events, sampleRate).length;
  const { stretches, quietStretches, stretchedFrames, merges } = stretchesOf(events);
  return {
    minutes,
    concealmentEpisodes: episodes,
    concealmentEpisodesPerMin: perMin(episodes),
    stretches,
    stretchesPerMin: perMin(stretches),
    quietStretches,
    stretchedMsPerMin: perMin((stretchedFrames * 1000) / sampleRate),
    merges,
    artefactsPerMin: perMin(episodes + stretches),
    audibleArtefactsPerMin: perMin(episodes + stretches - quietStretches),
  };
}

/** The artefact figures of one replay. */
export function computeArtefacts(result: ReplayResult): Artefacts {
  const minutes = result.stats.totalSamplesEmitted / result.sampleRate / 60;
  const perMin = (n: number) => (minutes > 0 ? n / minutes : 0);
  const played = result.records.filter((r) => r.fate === 'played' && r.playMs !== null).sort((a, b) => a.playMs! - b.playMs!);
  const bySeq = new Map(result.records.map((r) => [r.seq, r]));
  const packetMs = result.packetMs ?? 20;

  const episodes: ConcealmentEpisode[] = [];
  for (const run of concealmentRuns(result.events, result.sampleRate)) {
    const cause = causeOf(run, played, bySeq, packetMs);
    if (cause) episodes.push({ ...run, cause });
  }
  const bufferEpisodes = episodes.filter((e) => e.cause === 'buffer').length;
  const shortEpisodes = episodes.filter((e) => e.durationMs < SHORT_EPISODE_MS).length;

  const { stretches, quietStretches, stretchedFrames, merges } = stretchesOf(result.events);

  return {
    minutes,
    concealmentEpisodes: episodes.length,
    bufferEpisodes,
    networkEpisodes: episodes.length - bufferEpisodes,
    concealmentEpisodesPerMin: perMin(episodes.length),
    bufferEpisodesPerMin: perMin(bufferEpisodes),
    networkEpisodesPerMin: perMin(episodes.length - bufferEpisodes),
    shortEpisodeShare: episodes.length > 0 ? shortEpisodes / episodes.length : 0,
    stretches,
    stretchesPerMin: perMin(stretches),
    quietStretches,
    quietStretchesPerMin: perMin(quietStretches),
    stretchedMsPerMin: perMin((stretchedFrames * 1000) / result.sampleRate),
    merges,
    mergesPerMin: perMin(merges),
    artefactsPerMin: perMin(episodes.length + stretches),
    audibleArtefactsPerMin: perMin(episodes.length + stretches - quietStretches),
    episodes,
  };
}
