// replay throughput: how much faster than real time the trace replay runs —
// audio seconds over wall seconds — for the longest trace (13 min of LTE
// driving) with PCM replacement speech and with Opus (decoded by libopus, the
// replay's default), and for a G.711 capture whose payloads are decoded. Each is replayed once and timed directly: a replay is long enough
// on its own, and repeating it is not what a user does.

import { replay } from '../../src/replay/driver.js';
import { opusSpeechPackets } from '../../src/replay/opus_replacement.js';
import type { ReplacementCodec } from '../../src/replay/prepared.js';
import { defaultTraceDir, traceFiles } from '../../src/replay/trace_set.js';
import { readTrace, type Trace } from '../../src/trace/index.js';
import { atLeast, type Figure, type Suite } from '../suite.js';

/** `quick`: replayed in a quick run too, cut to its first QUICK_SECONDS (reading the 13-minute CSV alone takes 100 ms). */
const TRACES: { name: string; label: string; quick: boolean; replacement: ReplacementCodec; goal: number }[] = [
  { name: 'mahimahi_ATT-LTE-driving.down', label: 'LTE driving, 13 min, PCM', quick: false, replacement: 'pcm', goal: 1000 },
  { name: 'mahimahi_ATT-LTE-driving.down', label: 'LTE driving, 13 min, Opus + FEC', quick: false, replacement: 'opus', goal: 200 },
  { name: 'wswiki_rtp_conversacion', label: 'G.711 conversation, payload decode', quick: true, replacement: 'pcm', goal: 1000 },
  { name: 'wswiki_sip-rtp-opus', label: 'Opus call, 1 min, Opus + FEC', quick: true, replacement: 'opus', goal: 200 },
];
const QUICK_SECONDS = 5;

function firstSeconds(trace: Trace, seconds: number): Trace {
  return { ...trace, packets: trace.packets.filter((p) => p.arrivalUs < seconds * 1e6) };
}

export const replayThroughputSuite: Suite = {
  name: 'replay',
  title: 'realtime factor of a full trace replay (audio seconds / wall seconds)',
  async run(options) {
    const dir = defaultTraceDir();
    const files = new Map(traceFiles(dir).map((file) => [file.name, file.path]));
    const figures: Figure[] = [];
    const notes: string[] = [];
    const details: Record<string, unknown> = { traceDir: dir };
    // The Opus replacement is encoded once per process (cached); a replay does not pay it.
    opusSpeechPackets(960, true);
    for (const { name, label, quick, replacement, goal } of TRACES) {
      if (options.quick && !quick) {
        notes.push(`${name}: skipped in a quick run`);
        continue;
      }
      const path = files.get(name);
      if (!path) {
        notes.push(`${name}: not in ${dir}, skipped`);
        continue;
      }
      const readStart = performance.now();
      let trace = readTrace(path);
      const readMs = performance.now() - readStart;
      const cut = options.quick && trace.packets.length > 0 && trace.packets[trace.packets.length - 1].arrivalUs > QUICK_SECONDS * 1e6;
      if (cut) trace = firstSeconds(trace, QUICK_SECONDS);
      const start = performance.now();
      const result = replay(trace, { replacement });
      const wallSeconds = (performance.now() - start) / 1000;
      const factor = result.audioSeconds / wallSeconds;
      const title = `${label}${cut ? ` (first ${QUICK_SECONDS} s)` : ''}`;
      figures.push({ name: `${title}: realtime factor`, value: factor, unit: '×', goal: atLeast(goal, `≥ ${goal}×`) });
      notes.push(`${name}: ${result.audioSeconds.toFixed(1)} s of audio in ${(wallSeconds * 1000).toFixed(0)} ms (${trace.packets.length} packets; reading the file took ${readMs.toFixed(0)} ms more)`);
      details[`${name}/${replacement}`] = { audioSeconds: result.audioSeconds, wallSeconds, readMs, packets: trace.packets.length, truncatedToSeconds: cut ? QUICK_SECONDS : null, realtimeFactor: factor };
    }
    return { figures, notes, details };
  },
};
