// Files a replay writes on request: output.wav, metrics.json, timeline.svg.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeWav } from '../wav.js';
import { timelineSvg } from './timeline_svg.js';
import type { ReplayOutput } from './driver.js';
import type { Metrics } from './types.js';

/** metrics.json: the METRICS figures, plus what a mode adds (--profile auto: time in each profile). */
type MetricsReport = Metrics & Record<string, unknown>;

/** Writes metrics.json and timeline.svg, and output.wav when the replay kept its output. */
export function writeReplayOutputs(dir: string, result: ReplayOutput, metrics: MetricsReport | Metrics): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const write = (name: string, data: string | Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, data);
    written.push(path);
  };
  write('metrics.json', JSON.stringify(metrics, null, 2) + '\n');
  write('timeline.svg', timelineSvg(result));
  if (result.output) write('output.wav', encodeWav(result.output, result.channels, result.sampleRate));
  return written;
}
