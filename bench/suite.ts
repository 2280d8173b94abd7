// What a suite is and what it hands back: named figures, some held against a
// goal, so the runner prints and saves every suite the same way.

export interface RunOptions {
  /** A smoke run of a few hundred milliseconds in all: figures are rough. */
  quick: boolean;
}

/** A target for one figure. Goals are reported, never asserted. */
export interface Goal {
  /** How the goal reads in the table, e.g. '≤ 5×'. */
  text: string;
  /** 'max': met when the figure is at most `limit`; 'min': at least. */
  kind: 'max' | 'min';
  limit: number;
}

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** Median absolute deviation of the timed batches, in % of the median. */
  spreadPercent?: number;
  goal?: Goal;
}

export interface SuiteResult {
  figures: Figure[];
  /** Observations printed under the table. */
  notes: string[];
  /** Further machine-readable detail for latest.json (settings, counts). */
  details?: Record<string, unknown>;
}

export interface Suite {
  /** Name on the command line. */
  name: string;
  /** One line saying what is measured. */
  title: string;
  run(options: RunOptions): Promise<SuiteResult>;
}

export function atMost(limit: number, text: string): Goal {
  return { kind: 'max', limit, text };
}

export function atLeast(limit: number, text: string): Goal {
  return { kind: 'min', limit, text };
}

export function goalMet(figure: Figure): boolean | undefined {
  const goal = figure.goal;
  if (!goal) return undefined;
  return goal.kind === 'max' ? figure.value <= goal.limit : figure.value >= goal.limit;
}
