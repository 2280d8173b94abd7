#!/usr/bin/env node
// The `jitterlane` command: replay a captured trace through the engine and
// report the METRICS.md figures, or compare every trace of a folder.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { basename, join } from 'node:path';
import type { ProfileName } from './engine.js';
import { EcnTimeline } from './ecn/timeline.js';
import { compareTraces, formatComparison } from './replay/compare.js';
import { ecnController } from './replay/ecn_controller.js';
import { replay, type AudioSource, type ReplayOutput } from './replay/driver.js';
import type { ReplacementCodec } from './replay/opus_replacement.js';
import { replayInBrowser } from './replay/browser_runtime.js';
import { writeReplayOutputs } from './replay/outputs.js';
import { qualityFigures } from './replay/quality.js';
import { formatMetrics } from './replay/table.js';
import { defaultTraceDir } from './replay/trace_set.js';
import { NETEM_USAGE, runNetem } from './netem/netem_command.js';
import { readTrace, TraceError } from './trace/index.js';

const USAGE = `usage:
  jitterlane replay TRACE [--profile classic|l4s|auto] [--ecn FILE] [--ssrc N]
                          [--frame-ms 20|10] [--audio auto|payload|replacement]
                          [--replacement opus|opus-nofec|pcm]
                          [--runtime node|browser] [--json] [--out DIR]
  jitterlane compare [DIR] [--out DIR]
${NETEM_USAGE}

TRACE: pcap, pcapng, rtpdump, or CSV (arrival_us,seq,timestamp,payload_bytes or
send_us,arrival_us), optionally gzip-compressed.
--profile auto: the ECN monitor chooses the profile as the replay runs, from FILE
(CSV time_ms,ect0,ect1,ce,not_ect of cumulative counters) or the capture's own
IP ECN bits; it starts on classic.
--replacement: what plays where the trace's payloads cannot (default opus: the
shipped speech encoded by libopus with in-band FEC, as WebRTC sends it).
--runtime browser: the replay runs in headless Chromium's AudioWorklet (needs
playwright-core and /usr/bin/chromium); same figures, same output bytes.
compare: every trace of DIR (default ../shared/traces/raw, else the bundled
sample set) under both profiles, with the comparison table.`;

class UsageError extends Error {}

function parseProfile(value: string | undefined): ProfileName | 'auto' {
  const profile = value ?? 'classic';
  if (profile !== 'classic' && profile !== 'l4s' && profile !== 'auto') throw new UsageError(`--profile must be classic, l4s or auto, not ${profile}`);
  return profile;
}

function parseInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = value.startsWith('0x') ? Number.parseInt(value, 16) : Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, not ${value}`);
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
    },
  });
  if (positionals.length !== 1) throw new UsageError('replay takes exactly one TRACE');
  const runtime = values.runtime ?? 'node';
  if (runtime !== 'node' && runtime !== 'browser') throw new UsageError(`--runtime must be node or browser, not ${runtime}`);
  const profile = parseProfile(values.profile);
  const frameMs = parseInteger('frame-ms', values['frame-ms']);
  if (frameMs !== undefined && frameMs !== 10 && frameMs !== 20) throw new UsageError('--frame-ms must be 10 or 20');
  const audio = (values.audio ?? 'auto') as AudioSource;
  if (!['auto', 'payload', 'replacement'].includes(audio)) throw new UsageError('--audio must be auto, payload or replacement');
  const replacement = (values.replacement ?? 'opus') as ReplacementCodec;
  if (!['opus', 'opus-nofec', 'pcm'].includes(replacement)) throw new UsageError('--replacement must be opus, opus-nofec or pcm');
  const trace = readTrace(positionals[0], { ssrc: parseInteger('ssrc', values.ssrc), frameMs });
  if (trace.malformedRtp) {
    const m = trace.malformedRtp;
    // On stderr, so --json output stays one JSON object.
    console.error(`${trace.path}: skipped ${m.count} malformed RTP datagrams (${m.inStream} of the chosen stream); the first at byte offset ${m.first.offset}: ${m.first.reason}`);
  }
  if (values.ecn && profile !== 'auto') throw new UsageError('--ecn goes with --profile auto');
  const auto =
    profile === 'auto'
      ? ecnController(
          values.ecn
            ? EcnTimeline.fromCsv(readFileSync(values.ecn, 'utf8'), values.ecn)
            : EcnTimeline.fromPackets(trace.packets.map((p) => ({ arrivalMs: p.arrivalUs / 1000, ecn: p.ecn }))),
        )
      : null;
  if (runtime === 'browser' && profile === 'auto') throw new UsageError('--profile auto runs in the node runtime only');
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
  const { metrics } = qualityFigures(result);
  const report = auto ? { ...metrics, timeInProfileMs: result.timeInProfileMs, profileTimeline: result.profileChanges } : metrics;
  if (values.out) writeReplayOutputs(values.out, result, report);
  if (values.json) {
    process.stdout.write(JSON.stringify(report) + '\n');
  } else {
    process.stdout.write(`${trace.name} (${trace.format}, ${trace.clockRate} Hz, ${trace.packets.length} packets), profile ${profile}\n`);
    process.stdout.write(formatMetrics(metrics) + '\n');
    if (auto) {
      const time = Object.entries(result.timeInProfileMs ?? {}).map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`).join(', ');
      process.stdout.write(`profile auto: ${time}; path ${auto.monitor.evidence().pathClass}\n`);
      for (const change of auto.monitor.evidence().switches) process.stdout.write(`  ${(change.timeMs / 1000).toFixed(1)} s → ${change.to} (${change.reason}: ${change.detail})\n`);
    }
  }
}

function runCompare(args: string[]): void {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' } } });
  const dir = positionals[0] ?? defaultTraceDir();
  const rows = compareTraces(dir, values.out, (name) => {
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[Kreplaying ${name}`);
  });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  process.stdout.write(`Traces in ${dir}, both profiles. cost = added latency + 20 × concealment %; buffer cost leaves out network-lost packets (see README).\n\n`);
  process.stdout.write(formatComparison(rows) + '\n');
  if (values.out) process.stdout.write(`\noutputs: ${join(values.out, '<trace>', '<profile>')}/{metrics.json,timeline.svg,output.wav}\n`);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'replay') await runReplay(rest);
    else if (command === 'compare') runCompare(rest);
    else if (command === 'netem') await runNetem(rest);
    else if (command === '--help' || command === '-h' || command === 'help') process.stdout.write(USAGE + '\n');
    else throw new UsageError(command ? `unknown command ${command}` : 'no command');
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`jitterlane: ${(error as Error).message}\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof TraceError) {
      process.stderr.write(`jitterlane: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`jitterlane: ${(error as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
