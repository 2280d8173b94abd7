#!/usr/bin/env node
// npm run versus-neteq: every shared trace that carries or implies a 20 ms
// voice stream, played live through the network emulator into Chromium's
// NetEq and jitterlane (both profiles) at once; writes the table (markdown)
// and every figure (JSON) into out/. See README "Against the browser's own
// jitter buffer" for the method.
//
//   npm run versus-neteq -- [--seconds 120] [--traces a,b] [--busy] [--isolated] [--red] [--pace MS] [--flight DIR] [--out out/versus-neteq]
//
// --red: the call prefers RED-wrapped Opus (audio/red, RFC 2198), as apps that
// want loss resilience negotiate it: each packet carries a copy of the last.
//
// --pace MS (default 0: off): the relay releases packet k at its send slot +
// MS + the trace's delay (src/netem/stream_pacing.ts), so the sending
// browser's own timing jitter (a 10 ms sawtooth against its RTP timestamps)
// does not add to the trace's; every player gets MS more end to end. Off by
// default: in one headless Chromium the receiving context's clock moves with
// the sender's, and pacing made the receiver's arrivals spread more, not less
// (README, "What the live harness itself adds").

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchChromium } from '../dist/src/replay/chromium.js';
import { startStaticServer } from '../dist/src/replay/static_server.js';
import { defaultTraceDir, traceFiles } from '../dist/src/replay/trace_set.js';
import { readTrace } from '../dist/src/trace/index.js';
import { compareLive, RELAYED_CALL_BROWSER } from '../dist/src/netem/live_comparison.js';
import { comparisonMarkdown } from '../dist/src/netem/comparison_table.js';
import { scheduleFromTrace, zeroJitterSchedule } from '../dist/src/netem/network_schedule.js';

/**
 * Traces left out by default: d6g's pings are 1 s apart, too sparse to stand
 * for a 20 ms stream packet by packet (shared/traces/SOURCES.md §10).
 */
const LEFT_OUT = new Set(['d6g_5g_ping-cloud-mmWave']);

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '120' },
    warmup: { type: 'string', default: '5' },
    traces: { type: 'string' },
    profiles: { type: 'string', default: 'l4s,classic' },
    busy: { type: 'boolean', default: false },
    red: { type: 'boolean', default: false },
    isolated: { type: 'boolean', default: false },
    out: { type: 'string', default: 'out/versus-neteq' },
    flight: { type: 'string' },
    pace: { type: 'string', default: '0' },
  },
});
/** A flight recording's store: about 10 KiB a second of an Opus call, so 8 MiB holds 13 minutes. */
const FLIGHT_BYTES = 8 * 1024 * 1024;
const seconds = Number(values.seconds);
const warmupSeconds = Number(values.warmup);
if (!(seconds > 0) || !(warmupSeconds >= 0)) throw new Error('--seconds must be > 0 and --warmup ≥ 0');
const paceMs = Number(values.pace);
if (!(paceMs >= 0)) throw new Error('--pace must be ≥ 0 (ms; 0: no pacing)');
const profiles = values.profiles.split(',');
if (profiles.some((p) => p !== 'l4s' && p !== 'classic')) throw new Error('--profiles is a list of l4s and classic');

const files = traceFiles(defaultTraceDir());
const names = values.traces ? values.traces.split(',') : ['zero-jitter', ...files.map((f) => f.name).filter((n) => !LEFT_OUT.has(n))];
const schedules = names.map((name) => {
  if (name === 'zero-jitter') return zeroJitterSchedule();
  const file = files.find((f) => f.name === name);
  if (!file) throw new Error(`no trace ${name} in ${defaultTraceDir()} (there are: zero-jitter, ${files.map((f) => f.name).join(', ')})`);
  // The call's packet k takes the trace's packet k from the call's first packet on, the warm-up included.
  return scheduleFromTrace(readTrace(file.path), seconds + warmupSeconds);
});

const root = fileURLToPath(new URL('..', import.meta.url));
const { server, origin } = await startStaticServer(root);
// Chromium's sandbox cannot run as root (CI and this kind of machine run as root): turn it off only then.
const asRoot = process.getuid?.() === 0;
const browser = await launchChromium({ ...RELAYED_CALL_BROWSER, extraArgs: [...(RELAYED_CALL_BROWSER.extraArgs ?? []), ...(asRoot ? ['--no-sandbox'] : [])] });
const runs = [];
try {
  for (const schedule of schedules) {
    process.stderr.write(`${schedule.name}: ${seconds} s${values.busy ? ', main thread busy' : ''}…\n`);
    const run = await compareLive(browser.context, origin, schedule, { seconds, warmupSeconds, profiles, busy: values.busy, red: values.red, isolated: values.isolated, flightRecorderBytes: FLIGHT_BYTES, paceMs: paceMs > 0 ? paceMs : undefined });
    // Every jitterlane node records its flight (its replay counts the artefacts a listener heard);
    // --flight DIR keeps the recordings, to replay (and what-if) with `jitterlane flight`.
    if (run.flightRecordings && values.flight) {
      mkdirSync(values.flight, { recursive: true });
      for (const [profile, bytes] of Object.entries(run.flightRecordings)) writeFileSync(join(values.flight, `${schedule.name}-${profile}.flight`), bytes);
    }
    delete run.flightRecordings;
    runs.push(run);
  }
} finally {
  await browser.close();
  server.close();
}
const when = new Date().toISOString();
const title = `jitterlane against NetEq, live through the emulator (${when}; ${seconds} s per trace after ${warmupSeconds} s warm-up${values.busy ? '; main thread busy: 20 ms task every 50 ms' : ''}${values.red ? '; Opus inside RED' : ''}; ${values.isolated ? 'shared ring (isolated page)' : 'port (non-isolated page)'}; ${paceMs > 0 ? `relay paced ${paceMs} ms` : 'relay unpaced'})`;
const markdown = comparisonMarkdown(title, runs);
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(`${values.out}.md`, markdown);
writeFileSync(`${values.out}.json`, JSON.stringify({ when, seconds, warmupSeconds, busy: values.busy, red: values.red, isolated: values.isolated, paceMs, runs }, null, 2) + '\n');
process.stdout.write(markdown + `\nwritten: ${values.out}.md, ${values.out}.json\n`);
