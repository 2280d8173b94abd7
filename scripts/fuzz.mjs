// Longer fuzzing than CI's: runs the property suite (test/property) again and
// again, each time with a fresh seed, until --seconds N have passed (default
// 60). Prints each round's seed, cases and packets, the totals, and on a
// failure the failing output with the seed that replays it:
//   FUZZ_SEED=<seed> npx vitest run test/property
// Options: --seconds N, --scale K (K × the suite's runs per round, default 4).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? Number(process.argv[at + 1]) : fallback;
}

const seconds = option('seconds', 60);
const scale = option('scale', 4);
const dir = mkdtempSync(path.join(tmpdir(), 'jitterlane-fuzz-'));
const report = path.join(dir, 'report.jsonl');
const started = Date.now();
const totals = { rounds: 0, cases: 0, packets: 0, seeds: [] };
let failed = false;

while ((Date.now() - started) / 1000 < seconds) {
  // A seed fast-check accepts: a 31-bit integer.
  const seed = Math.floor(Math.random() * 0x7fffffff);
  const run = spawnSync('npx', ['vitest', 'run', 'test/property'], {
    env: { ...process.env, FUZZ_SEED: String(seed), FUZZ_RUNS_SCALE: String(scale), FUZZ_REPORT: report },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  totals.rounds++;
  totals.seeds.push(seed);
  if (run.status !== 0) {
    failed = true;
    console.log(`round ${totals.rounds}: FAILED with seed ${seed}; replay: FUZZ_SEED=${seed} FUZZ_RUNS_SCALE=${scale} npx vitest run test/property`);
    console.log((run.stdout + run.stderr).split('\n').filter((line) => /Counterexample|Caused by|Error|FAIL|seed/.test(line)).join('\n'));
    break;
  }
  const lines = readFileSync(report, 'utf8').trim().split('\n');
  const last = JSON.parse(lines[lines.length - 1]);
  totals.cases += last.cases;
  totals.packets += last.packets;
  console.log(`round ${totals.rounds}: seed ${seed}, ${last.cases} cases, ${last.packets} packets, ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

rmSync(dir, { recursive: true, force: true });
console.log(`fuzz: ${totals.rounds} rounds, ${totals.cases} cases, ${totals.packets} packets in ${((Date.now() - started) / 1000).toFixed(0)} s; seeds ${totals.seeds.join(', ')}${failed ? '; FAILED (see above)' : '; no failure'}`);
process.exit(failed ? 1 : 0);
