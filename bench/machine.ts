// The machine a run was measured on, saved with its figures: absolute times
// mean little without it.

import { cpus, loadavg, platform, arch } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
  /** 1-minute load average at the start: another job on a shared machine shows here. */
  loadAverage: number;
  date: string;
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    node: process.version,
    platform: `${platform()} ${arch()}`,
    loadAverage: loadavg()[0],
    date: new Date().toISOString(),
  };
}
