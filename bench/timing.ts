// Batched timing with tinybench. One task call runs `ops` operations, because
// a single 128-frame copy (tens of ns) is below what one timer read resolves;
// figures are per operation, from the median batch, which a shared machine's
// stray interruptions move least.

import { Bench, type FnReturnedObject } from 'tinybench';
import type { RunOptions } from './suite.js';

export interface TimedTask {
  name: string;
  /** Operations one call of `fn` performs. */
  ops: number;
  /** May return tinybench's overriddenDuration to time part of the call only. */
  fn: () => void | FnReturnedObject;
}

export interface Timing {
  /** Median batch time per operation, ns. */
  nsPerOp: number;
  meanNsPerOp: number;
  /** Median absolute deviation of the batches, % of the median. */
  spreadPercent: number;
  batches: number;
}

/** Time budgets per task: a full run settles the JIT and wasm tier-up; a quick one only checks everything runs. */
function budgets(options: RunOptions, minBatches: number) {
  return options.quick
    ? { time: 8, warmupTime: 4, iterations: Math.min(4, minBatches), warmupIterations: 2 }
    : { time: 1500, warmupTime: 400, iterations: minBatches, warmupIterations: 16 };
}

/**
 * Runs the tasks one after another in one Bench, so figures compared with one
 * another come from the same minute of the same machine.
 */
export function timeTasks(tasks: TimedTask[], options: RunOptions, minBatches = 64): Map<string, Timing> {
  const bench = new Bench({ ...budgets(options, minBatches), throws: true });
  for (const task of tasks) bench.add(task.name, task.fn);
  bench.runSync();
  const timings = new Map<string, Timing>();
  for (const task of tasks) {
    const result = bench.getTask(task.name)!.result;
    if (result.state !== 'completed') throw new Error(`benchmark task ${task.name} ended ${result.state}`);
    const perOp = 1e6 / task.ops;
    timings.set(task.name, {
      nsPerOp: result.latency.p50 * perOp,
      meanNsPerOp: result.latency.mean * perOp,
      spreadPercent: (100 * result.latency.mad) / result.latency.p50,
      batches: bench.getTask(task.name)!.runs,
    });
  }
  return timings;
}
