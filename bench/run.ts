// Runs the benchmark suites — all, or those named on the command line — and
// prints a table per suite. `--quick` is a smoke run of a few hundred ms that
// CI can afford: it proves every suite runs, its figures are rough. The
// figures and the machine they were measured on go to bench/results/latest.json.
//
//   node dist/bench/run.js [--quick] [suite ...]

import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeMachine } from './machine.js';
import { goalMet, type Suite, type SuiteResult } from './suite.js';
import { SUITES } from './suites/index.js';
import { formatSuite } from './table.js';

const RESULTS_DIR = fileURLToPath(new URL('../../bench/results/', import.meta.url));

function usage(): string {
  return `usage: node dist/bench/run.js [--quick] [suite ...]\nsuites: ${SUITES.map((s) => s.name).join(', ')}`;
}

function parseArgs(args: string[]): { quick: boolean; suites: Suite[] } | string {
  let quick = false;
  const names: string[] = [];
  for (const arg of args) {
    if (arg === '--quick') quick = true;
    else if (arg === '--help' || arg === '-h') return usage();
    else if (arg.startsWith('-')) return `unknown option ${arg}\n${usage()}`;
    else names.push(arg);
  }
  const unknown = names.filter((name) => !SUITES.some((s) => s.name === name));
  if (unknown.length > 0) return `unknown suite ${unknown.join(', ')}\n${usage()}`;
  return { quick, suites: names.length === 0 ? SUITES : SUITES.filter((s) => names.includes(s.name)) };
}

async function main(): Promise<number> {
  const parsed = parseArgs(process.argv.slice(2));
  if (typeof parsed === 'string') {
    console.error(parsed);
    return 2;
  }
  const machine = describeMachine();
  console.log(`${machine.cpu}, ${machine.cores} cores, node ${machine.node}, load ${machine.loadAverage.toFixed(2)}${parsed.quick ? ' — quick run, rough figures' : ''}\n`);
  const started = performance.now();
  const results: { suite: Suite; result: SuiteResult; seconds: number }[] = [];
  for (const suite of parsed.suites) {
    const suiteStart = performance.now();
    const result = await suite.run({ quick: parsed.quick });
    const seconds = (performance.now() - suiteStart) / 1000;
    results.push({ suite, result, seconds });
    console.log(formatSuite(suite, result) + '\n');
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`${results.length} suite(s) in ${seconds.toFixed(2)} s`);

  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = `${RESULTS_DIR}latest.json`;
  const json = {
    machine,
    quick: parsed.quick,
    seconds,
    suites: results.map(({ suite, result, seconds }) => ({
      name: suite.name,
      title: suite.title,
      seconds,
      figures: result.figures.map((figure) => ({ ...figure, met: goalMet(figure) })),
      notes: result.notes,
      details: result.details ?? {},
    })),
  };
  writeFileSync(file, JSON.stringify(json, null, 2) + '\n');
  console.log(`figures written to ${file}`);
  return 0;
}

process.exitCode = await main();
