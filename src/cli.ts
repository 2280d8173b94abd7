#!/usr/bin/env node
// The `jitterlane` command: replay a captured trace through the engine and
// report the METRICS.md figures, or compare every trace of a folder.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { basename, join } from 'node:path';
import { validateProfile, type ProfileName, type ProfileRecord } from './engine/index.js';
import { EcnTimeline } from './ecn/timeline.js';
import { compareTraces, formatComparison } from './replay/compare.js';
import { ecnController } from './replay/ecn_controller.js';
import { replay, type AudioSource, type ReplayOutput } from './replay/driver.js';
import type { ReplacementCodec } from './replay/opus_replacement.js';
import { replayInBrowser } from './replay/browser_runtime.js';
import { writeReplayOutputs } from './replay/outputs.js';
import { metricsReport, qualityFigures } from './replay/quality.js';
import { describeStreamReport, streamReport } from './replay/stream_report.js';
import { formatArtefacts, formatMetrics, formatTable } from './replay/table.js';
import { defaultTraceDir } from './replay/trace_set.js';
import { replayFlight } from './flight/replay.js';
import { SAMPLE_RATE } from './engine/contract.js';
import { NETEM_USAGE, runNetem } from './netem/netem_command.js';
import { formatSsrc, readRtpPackets, readTrace, streamStatistics } from './trace/index.js';

/** Usage of each sub-command, printed by its --help and after a usage error. */
const COMMAND_USAGE = {
  replay: `jitterlane replay TRACE [--profile classic|l4s|auto] [--ecn FILE] [--ssrc N]
                        [--frame-ms 20|10] [--audio auto|payload|replacement]
                        [--replacement opus|opus-nofec|pcm]
                        [--runtime node|browser] [--json] [--out DIR] [--list-streams]

  Replays TRACE through the engine and prints the METRICS.md figures, the stream
  it chose (SSRC, payload type, codec, clock rate, flow) and where the audio came
  from: the stream's own payloads (G.711, L16 and Opus whose bytes fit the codec)
  or the shipped speech, with the reason.
  TRACE: pcap, pcapng, rtpdump, or CSV (arrival_us,seq,timestamp,payload_bytes or
  send_us,arrival_us), optionally gzip-compressed; the format is read from the content.
  --ssrc N: replay this SSRC (decimal or 0x hex); by default the main audio stream,
  the longest clean one; an SSRC seen on two legs of a relay is one stream per leg.
  --audio: auto (default) plays the payloads where they fit the codec; payload
  insists (an error says why it cannot); replacement always plays the speech.
  --replacement: what plays where the trace's payloads cannot (default opus: the
  shipped speech encoded by libopus with in-band FEC, as WebRTC sends it).
  --profile auto: the ECN monitor chooses the profile as the replay runs, from FILE
  (CSV time_ms,ect0,ect1,ce,not_ect of cumulative counters) or the capture's own
  IP ECN bits; it starts on classic.
  --runtime browser: the replay runs in headless Chromium's AudioWorklet (needs
  playwright-core and /usr/bin/chromium); same figures, same output bytes.
  --json: one JSON object: the METRICS keys, stream, audioSource (and
  audioSourceReason), telephoneEvents.
  --list-streams: list the capture's streams instead (as jitterlane streams does).`,
  streams: `jitterlane streams TRACE [--json]

  Lists every RTP stream of a capture (pcap, pcapng, rtpdump) as Wireshark's RTP
  Streams dialog does: SSRC, flow, payload type, clock rate, packets, lost, max
  delta, max and mean jitter (RFC 3550), duration, and whether it looks like audio.`,
  compare: `jitterlane compare [DIR] [--out DIR]

  Replays every trace of DIR (default ../shared/traces/raw, else the bundled
  sample set) under both profiles and prints the comparison table. A file that
  cannot be read is reported on stderr and the others go on; the exit status is
  then 1.`,
  netem: NETEM_USAGE.trimStart(),
  flight: `jitterlane flight FILE [--profile NAME|JSON] [--json]

  Replays a flight recording (JitterlaneNode's flightRecording(), saved to FILE)
  through a fresh engine: the same inserts, arrivals, pulls and profile changes
  as the live call. Prints whether the output fingerprint matches the live one
  and the live and replayed counters side by side; exit status 1 when they
  differ, then what a listener heard: concealment episodes and time-stretches
  a minute (--json: \`artefacts\`). Then \`jitterlane replay\`'s tools apply to
  the call as to a trace.
  --profile replays the same arrivals under another profile (l4s, classic, or
  a profile record as JSON, e.g. '{"floorMs":10,"episodeCostMs":10}'): what
  the call would have sounded like; the fingerprint is then not compared.`,
} as const;

const USAGE = `usage:\n${Object.values(COMMAND_USAGE).map((usage) => `  ${usage.split('\n')[0]}`).join('\n')}\n\njitterlane COMMAND --help says more about each.`;

/** A command line that cannot work; `command` names the sub-command whose usage to print. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly command: keyof typeof COMMAND_USAGE | null = null,
  ) {
    super(message);
  }
}

/** True when the arguments ask for help. */
function wantsHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

function parseProfile(value: string | undefined): ProfileName | 'auto' {
  const profile = value ?? 'classic';
  if (profile !== 'classic' && profile !== 'l4s' && profile !== 'auto') throw new UsageError(`--profile must be classic, l4s or auto, not ${profile}`, 'replay');
  return profile;
}

function parseInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = value.startsWith('0x') ? Number.parseInt(value, 16) : Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, not ${value}`, 'replay');
  return n;
}

/** A progress bar on stderr, shown only on a terminal and only once a replay takes more than a moment. */
function progressBar(label: string): { update: (done: number) => void; end: () => void } {
  const started = Date.now();
  let shown = false;
  const tty = process.stderr.isTTY === true;
  return {
    update(done) {
      if (!tty || Date.now() - started < 300) return;
      shown = true;
      const width = 30;
      const filled = Math.round(done * width);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(done * 100).toFixed(0).padStart(3)}%`);
    },
    end() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

async function runReplay(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      profile: { type: 'string' },
      ecn: { type: 'string' },
      ssrc: { type: 'string' },
      'frame-ms': { type: 'string' },
      audio: { type: 'string' },
      replacement: { type: 'string' },
      runtime: { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
      'list-streams': { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('replay takes exactly one TRACE', 'replay');
  if (values['list-streams']) return listStreams(positionals[0], values.json === true);
  const runtime = values.runtime ?? 'node';
  if (runtime !== 'node' && runtime !== 'browser') throw new UsageError(`--runtime must be node or browser, not ${runtime}`, 'replay');
  const profile = parseProfile(values.profile);
  const frameMs = parseInteger('frame-ms', values['frame-ms']);
  if (frameMs !== undefined && frameMs !== 10 && frameMs !== 20) throw new UsageError('--frame-ms must be 10 or 20', 'replay');
  const audio = (values.audio ?? 'auto') as AudioSource;
  if (!['auto', 'payload', 'replacement'].includes(audio)) throw new UsageError('--audio must be auto, payload or replacement', 'replay');
  const replacement = (values.replacement ?? 'opus') as ReplacementCodec;
  if (!['opus', 'opus-nofec', 'pcm'].includes(replacement)) throw new UsageError('--replacement must be opus, opus-nofec or pcm', 'replay');
  const trace = readTrace(positionals[0], { ssrc: parseInteger('ssrc', values.ssrc), frameMs });
  if (trace.malformedRtp) {
    const m = trace.malformedRtp;
    // On stderr, so --json output stays one JSON object.
    console.error(`${trace.path}: skipped ${m.count} malformed RTP datagrams (${m.inStream} of the chosen stream); the first at byte offset ${m.first.offset}: ${m.first.reason}`);
  }
  if (values.ecn && profile !== 'auto') throw new UsageError('--ecn goes with --profile auto', 'replay');
  const auto =
    profile === 'auto'
      ? ecnController(
          values.ecn
            ? EcnTimeline.fromCsv(readFileSync(values.ecn, 'utf8'), values.ecn)
            : EcnTimeline.fromPackets(trace.packets.map((p) => ({ arrivalMs: p.arrivalUs / 1000, ecn: p.ecn }))),
        )
      : null;
  if (runtime === 'browser' && profile === 'auto') throw new UsageError('--profile auto runs in the node runtime only', 'replay');
  const bar = progressBar(basename(positionals[0]));
  const result: ReplayOutput =
    runtime === 'browser'
      ? await replayInBrowser(trace, { profile: profile as ProfileName, audio, replacement })
      : replay(trace, {
          profile: profile === 'auto' ? 'classic' : profile,
          controller: auto?.controller,
          audio,
          replacement,
          keepOutput: values.out !== undefined,
          onProgress: bar.update,
        });
  bar.end();
  const figures = qualityFigures(result);
  const { metrics, artefacts } = figures;
  const chosen = streamReport(trace, result.audio!);
  const report = { ...metricsReport(figures), ...chosen, ...(auto ? { timeInProfileMs: result.timeInProfileMs, profileTimeline: result.profileChanges } : {}) };
  if (values.out) writeReplayOutputs(values.out, result, report);
  if (values.json) {
    process.stdout.write(JSON.stringify(report) + '\n');
  } else {
    process.stdout.write(`${trace.name} (${trace.format}, ${trace.clockRate} Hz, ${trace.packets.length} packets), profile ${profile}\n`);
    process.stdout.write(describeStreamReport(chosen) + '\n');
    process.stdout.write(formatMetrics(metrics) + '\n');
    process.stdout.write(formatArtefacts(artefacts) + '\n');
    if (auto) {
      const time = Object.entries(result.timeInProfileMs ?? {}).map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`).join(', ');
      process.stdout.write(`profile auto: ${time}; path ${auto.monitor.evidence().pathClass}\n`);
      for (const change of auto.monitor.evidence().switches) process.stdout.write(`  ${(change.timeMs / 1000).toFixed(1)} s → ${change.to} (${change.reason}: ${change.detail})\n`);
    }
  }
}

/** `jitterlane streams FILE`: every stream of the capture, as Wireshark's RTP Streams dialog lists them. */
function listStreams(path: string, json: boolean): void {
  const streams = streamStatistics(readRtpPackets(path));
  if (json) {
    process.stdout.write(JSON.stringify(streams) + '\n');
    return;
  }
  const rows = streams.map((s) => ({
    ssrc: formatSsrc(s.ssrc),
    flow: s.flows.join(', '),
    payloadType: s.payloadType,
    clock: s.clockRate ?? '?',
    packets: s.packets,
    lost: s.packets + s.lost > 0 ? `${s.lost} (${((s.lost / (s.packets + s.lost)) * 100).toFixed(1)} %)` : String(s.lost),
    maxDelta: s.maxDeltaMs,
    maxJitter: s.maxJitterMs ?? '',
    meanJitter: s.meanJitterMs ?? '',
    duration: s.durationS,
    audio: s.looksLikeAudio ? 'yes' : 'no',
  }));
  process.stdout.write(
    formatTable(rows, [
      { key: 'ssrc', title: 'SSRC' },
      { key: 'flow', title: 'flow' },
      { key: 'payloadType', title: 'PT' },
      { key: 'clock', title: 'clock Hz' },
      { key: 'packets', title: 'packets' },
      { key: 'lost', title: 'lost', align: 'right' },
      { key: 'maxDelta', title: 'max delta ms', digits: 2 },
      { key: 'maxJitter', title: 'max jitter ms', digits: 2 },
      { key: 'meanJitter', title: 'mean jitter ms', digits: 2 },
      { key: 'duration', title: 'duration s', digits: 2 },
      { key: 'audio', title: 'audio' },
    ]) + '\n',
  );
}

/** Returns the exit status: 1 when the replay did not reproduce the live run. */
function runFlight(args: string[]): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, profile: { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('flight takes exactly one FILE', 'flight');
  const whatIf = values.profile === undefined ? undefined : flightProfile(values.profile);
  const result = replayFlight(new Uint8Array(readFileSync(positionals[0])), { profile: whatIf });
  const names = ['packetsReceived', 'packetsDiscarded', 'concealedSamples', 'concealmentEvents', 'insertedSamplesForDeceleration', 'removedSamplesForAcceleration', 'totalSamplesEmitted'] as const;
  const live = result.header.stats;
  // The figures a listener and a dashboard read, per minute of emitted audio, for both runs.
  const derived = (s: typeof live) => {
    const minutes = s.totalSamplesEmitted / SAMPLE_RATE / 60;
    return {
      concealmentEventsPerMinute: minutes > 0 ? s.concealmentEvents / minutes : 0,
      bufferDelayMs: s.jitterBufferEmittedCount > 0 ? (s.jitterBufferDelay / s.jitterBufferEmittedCount) * 1000 : 0,
    };
  };
  const liveFigures = { ...Object.fromEntries(names.map((n) => [n, live[n]])), ...derived(live) };
  const replayFigures = { ...Object.fromEntries(names.map((n) => [n, result.stats[n]])), ...derived(result.stats) };
  if (values.json) {
    process.stdout.write(JSON.stringify({ matches: whatIf ? null : result.matches, profile: whatIf ?? null, inserts: result.inserts, pulls: result.pulls, dropped: result.header.dropped, live: liveFigures, replay: replayFigures, artefacts: result.artefacts }) + '\n');
  } else {
    const verdict = whatIf ? `replayed with profile ${values.profile} (what if; not compared)` : `output ${result.matches ? 'matches' : 'DIFFERS from'} the live run`;
    process.stdout.write(`${positionals[0]}: ${result.inserts} inserts, ${result.pulls} pulls; ${verdict}${result.header.dropped > 0 ? ` (the recording dropped ${result.header.dropped} records when its store filled)` : ''}\n`);
    const rounded = (v: number) => String(Number.isInteger(v) ? v : v.toFixed(2));
    process.stdout.write(formatTable(Object.keys(liveFigures).map((n) => ({ counter: n, live: rounded(liveFigures[n as keyof typeof liveFigures]), replay: rounded(replayFigures[n as keyof typeof replayFigures]) })), [
      { key: 'counter', title: 'counter' },
      { key: 'live', title: 'live', align: 'right' },
      { key: 'replay', title: 'replay', align: 'right' },
    ]) + '\n');
    const a = result.artefacts;
    process.stdout.write(
      `artefacts (replay, ${a.minutes.toFixed(2)} min): concealment episodes ${a.concealmentEpisodesPerMin.toFixed(2)}/min, time-stretches ${a.stretchesPerMin.toFixed(2)}/min (${a.stretchedMsPerMin.toFixed(1)} ms/min, ${a.quietStretches} in quiet audio), merges ${a.merges}; artefacts ${a.artefactsPerMin.toFixed(2)}/min, ${a.audibleArtefactsPerMin.toFixed(2)}/min but the quiet stretches\n`,
    );
  }
  return whatIf || result.matches ? 0 : 1;
}

/** --profile of `flight`: a built-in name or a profile record as JSON, checked as every entry checks one. */
function flightProfile(value: string): ProfileName | ProfileRecord {
  let parsed: unknown = value;
  if (value.trimStart().startsWith('{')) {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new UsageError(`--profile: not JSON: ${value}`, 'flight');
    }
  }
  try {
    return validateProfile(parsed, '--profile') as ProfileName | ProfileRecord;
  } catch (error) {
    throw new UsageError((error as Error).message, 'flight');
  }
}

function runStreams(args: string[]): void {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UsageError('streams takes exactly one TRACE', 'streams');
  listStreams(positionals[0], values.json === true);
}

/** Returns the exit status: 1 when some file could not be replayed (the others still were). */
function runCompare(args: string[]): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' } } });
  if (positionals.length > 1) throw new UsageError('compare takes at most one DIR', 'compare');
  const dir = positionals[0] ?? defaultTraceDir();
  const { rows, failures } = compareTraces(dir, values.out, (name) => {
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[Kreplaying ${name}`);
  });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  for (const failure of failures) process.stderr.write(`jitterlane compare: skipped ${failure.reason}\n`);
  process.stdout.write(`Traces in ${dir}, both profiles. cost = added latency + 20 × concealment %; buffer cost leaves out network-lost packets (see README).\n\n`);
  process.stdout.write(formatComparison(rows) + '\n');
  if (failures.length > 0) process.stdout.write(`\n${failures.length} file(s) could not be replayed (see stderr): ${failures.map((f) => basename(f.path)).join(', ')}\n`);
  if (values.out) process.stdout.write(`\noutputs: ${join(values.out, '<trace>', '<profile>')}/{metrics.json,timeline.svg,output.wav}\n`);
  return failures.length > 0 ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (command !== undefined && Object.hasOwn(COMMAND_USAGE, command) && wantsHelp(rest)) {
      process.stdout.write(`usage:\n  ${COMMAND_USAGE[command as keyof typeof COMMAND_USAGE]}\n`);
      return 0;
    }
    if (command === 'replay') await runReplay(rest);
    else if (command === 'streams') runStreams(rest);
    else if (command === 'compare') return runCompare(rest);
    else if (command === 'netem') await runNetem(rest);
    else if (command === 'flight') return runFlight(rest);
    else throw new UsageError(command ? `unknown command ${command}` : 'no command');
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      // The usage of the command that was given (an unknown option of `replay` shows replay's), else the list.
      const named = error instanceof UsageError ? error.command : command !== undefined && Object.hasOwn(COMMAND_USAGE, command) ? (command as keyof typeof COMMAND_USAGE) : null;
      const usage = named ? `usage:\n  ${COMMAND_USAGE[named]}` : USAGE;
      process.stderr.write(`jitterlane: ${(error as Error).message}\n${usage}\n`);
      return 2;
    }
    process.stderr.write(`jitterlane: ${(error as Error).message}\n`);
    return 1;
  }
}

// A reader that stops early (`jitterlane flight F | head -1`) closes the pipe: stop quietly, as
// Unix tools do, instead of dying with an unhandled EPIPE trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
