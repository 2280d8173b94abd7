// The live getStats() table: every field the node reports, the naive FIFO's
// counters beside them when it plays, and the ECN monitor's evidence.

/** Cumulative webrtc-stats delays (seconds summed over emitted samples): the table adds their averages in ms. */
const DELAY_SUMS = ['jitterBufferDelay', 'jitterBufferTargetDelay', 'jitterBufferMinimumDelay'];

function format(value) {
  if (typeof value !== 'number') return String(value);
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** Fills `table` with name/value rows, reusing rows so the table does not flicker. */
export function renderStats(table, { stats, fifo, evidence, levels }) {
  const rows = [];
  for (const [name, value] of Object.entries(stats)) {
    if (name !== 'timestamp' && typeof value === 'number') rows.push([name, value]);
  }
  const emitted = stats.jitterBufferEmittedCount;
  for (const name of DELAY_SUMS) rows.push([`${name} / emitted (ms)`, emitted > 0 ? (1000 * stats[name]) / emitted : 0]);
  // jitterlane's own fields; those that repeat a webrtc field above are left out.
  for (const [name, value] of Object.entries(stats.jitterlane)) if (!(name in stats)) rows.push([`jitterlane.${name}`, value]);
  rows.push(['output RMS', levels.jitterlane]);
  if (evidence) {
    rows.push(['ecn.profile', evidence.profile], ['ecn.pathClass', evidence.pathClass], ['ecn.ect1Share', evidence.ect1Share], ['ecn.packetsInWindow', evidence.packetsInWindow]);
  }
  if (fifo) {
    for (const [name, value] of Object.entries(fifo)) rows.push([`fifo.${name}`, value]);
    rows.push(['fifo output RMS', levels.fifo]);
  }
  while (table.rows.length < rows.length) table.insertRow().append(document.createElement('th'), document.createElement('td'));
  while (table.rows.length > rows.length) table.deleteRow(-1);
  rows.forEach(([name, value], i) => {
    const [th, td] = table.rows[i].cells;
    th.textContent = name;
    td.textContent = format(value);
  });
}
