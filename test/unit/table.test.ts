import { describe, expect, it } from 'vitest';
import { formatMetrics, formatTable } from '../../src/replay/table.js';
import type { Metrics } from '../../src/replay/types.js';

describe('formatTable', () => {
  it('right-aligns numbers with fixed digits and left-aligns strings', () => {
    const table = formatTable(
      [
        { player: 'jitterlane', latency: 41.256, lost: 3 },
        { player: 'fixed-oracle', latency: 120, lost: 12 },
      ],
      [
        { key: 'player', title: 'player' },
        { key: 'latency', title: 'latency ms', digits: 1 },
        { key: 'lost', title: 'lost' },
      ],
    );
    expect(table).toBe(
      [
        'player        latency ms  lost',
        '------------  ----------  ----',
        'jitterlane          41.3     3',
        'fixed-oracle       120.0    12',
      ].join('\n'),
    );
  });

  it('leaves missing cells blank and prints non-integers with two digits by default', () => {
    const table = formatTable([{ name: 'a', value: 0.5 }, { name: 'b' }], [
      { key: 'name', title: 'name' },
      { key: 'value', title: 'value' },
    ]);
    expect(table.split('\n')).toEqual(['name  value', '----  -----', 'a      0.50', 'b']);
  });

  it('honours an explicit alignment', () => {
    const table = formatTable([{ word: 'x' }], [{ key: 'word', title: 'word', align: 'right' }]);
    expect(table.split('\n')[2]).toBe('   x');
  });
});

describe('formatMetrics', () => {
  const metrics: Metrics = {
    packets: 1000,
    received: 990,
    networkLost: 10,
    duplicates: 1,
    lateLost: 4,
    played: 980,
    meanBufferDelayMs: 35.04,
    p50BufferDelayMs: 30,
    p95BufferDelayMs: 60,
    p99BufferDelayMs: 80,
    meanAddedLatencyMs: 42.46,
    p95AddedLatencyMs: 70,
    jitterBufferDelayMs: 36,
    targetDelayMs: 40,
    concealmentRatio: 0.0123,
    concealmentEvents: 7,
    accelerateRatio: 0.002,
    decelerateRatio: 0.001,
    fecRecovered: 2,
    profileSwitches: 1,
    outputSha256: 'f'.repeat(64),
    realtimeFactor: 250,
  };
  const text = formatMetrics(metrics);
  const lines = text.split('\n');

  it('lists every METRICS.md figure under its name', () => {
    for (const name of Object.keys(metrics)) {
      expect(lines.some((line) => line.startsWith(`${name} `)), name).toBe(true);
    }
    // Header and rule, 21 numeric rows, then the fingerprint.
    expect(lines).toHaveLength(2 + 21 + 1);
  });

  it('prints counts, milliseconds and ratios in percent, aligned on the right', () => {
    expect(lines.find((line) => line.startsWith('packets '))).toMatch(/ 1000$/);
    expect(lines.find((line) => line.startsWith('meanAddedLatencyMs '))).toMatch(/ 42\.5 ms$/);
    expect(lines.find((line) => line.startsWith('concealmentRatio '))).toMatch(/ 1\.230 %$/);
    expect(lines.find((line) => line.startsWith('realtimeFactor '))).toMatch(/ 250\.0 ×$/);
    expect(lines[lines.length - 1]).toMatch(new RegExp(`^outputSha256 +${'f'.repeat(64)}$`));
  });
});
