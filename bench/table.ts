// A suite's figures as a plain text table: measure, figure, spread, goal and
// whether it was met.

import { goalMet, type Figure, type Suite, type SuiteResult } from './suite.js';

/** Three significant digits or so, never exponent notation. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const size = Math.abs(value);
  if (size >= 100) return Math.round(value).toLocaleString('en-US');
  if (size >= 10) return value.toFixed(1);
  if (size >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

function row(figure: Figure): string[] {
  const met = goalMet(figure);
  return [
    figure.name,
    `${formatNumber(figure.value)} ${figure.unit}`.trim(),
    figure.spreadPercent === undefined ? '' : `±${figure.spreadPercent.toFixed(1)} %`,
    figure.goal?.text ?? '',
    met === undefined ? '' : met ? 'met' : 'MISSED',
  ];
}

export function formatSuite(suite: Suite, result: SuiteResult): string {
  const header = ['measure', 'figure', 'spread', 'goal', 'status'];
  const rows = [header, ...result.figures.map(row)];
  const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => '  ' + cells.map((cell, c) => (c === 1 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  const out = [`${suite.name} — ${suite.title}`, line(header), '  ' + widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of rows.slice(1)) out.push(line(r));
  for (const note of result.notes) out.push(`  · ${note}`);
  return out.join('\n');
}
