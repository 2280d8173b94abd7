// The `jitterlane` command as a user meets it (dist/src/cli.js, built by
// `npm test`): issue #14 item 6 (it says what it chose; `streams` lists every
// stream as Wireshark's RTP Streams dialog does; every --help exits 0) and
// item 8 (`compare` takes every format `replay` reads, and one unreadable file
// is reported while the run goes on). Fixtures: test/helpers/capture_generators.ts.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { g711Call, pcapOf, pcmaCallWithDtmfAndCn, relayedCall, srtpLikeCall } from '../helpers/capture_generators.js';
import { rtpdumpFile } from './trace_builders.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'jitterlane-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('issue 14 item 6: the CLI says what it chose', () => {
  it.each([['--help'], ['replay', '--help'], ['streams', '--help'], ['compare', '--help'], ['replay', '-h']])('prints the usage and exits 0 for %s %s', (...args) => {
    const r = run(...args);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage:\n  jitterlane /);
    expect(r.stderr).toBe('');
  });

  it('prints the usage of replay on stderr and exits 2 on a usage error', () => {
    const r = run('replay');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/replay takes exactly one TRACE\nusage:\n  jitterlane replay TRACE/);
  });

  it('lists every stream of a relayed call, one per SSRC and leg, with the RTP Streams dialog figures', () => {
    const path = file('relayed.pcap', pcapOf(relayedCall()));
    const streams = JSON.parse(execFileSync(process.execPath, [CLI, 'streams', path, '--json'], { encoding: 'utf8' }));
    expect(streams).toHaveLength(4);
    expect(streams.map((s: { ssrc: number; packets: number; lost: number; payloadType: number; clockRate: number }) => [s.ssrc, s.packets, s.lost, s.payloadType, s.clockRate])).toEqual([
      [0x0a0a0a0a, 891, 0, 0, 8000],
      [0x0a0a0a0a, 891, 0, 0, 8000],
      [0x0b0b0b0b, 548, 0, 0, 8000],
      [0x0b0b0b0b, 548, 0, 0, 8000],
    ]);
    // The bursty stream: five packets every 100 ms, so 100 ms (less up to 2 ms of jitter) between bursts, and a high jitter.
    const bursty = streams[2];
    expect(bursty.maxDeltaMs).toBeGreaterThan(95);
    expect(bursty.maxJitterMs).toBeGreaterThan(streams[0].maxJitterMs);
    const table = run('replay', path, '--list-streams');
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^SSRC +flow +PT +clock Hz +packets +lost +max delta ms +max jitter ms +mean jitter ms +duration s +audio\n/);
    expect(table.stdout).toContain('0x0A0A0A0A  198.51.100.7:40000 → 203.0.113.50:30000');
  });

  it('prints the stream and the audio source in the table, and the reason when the replacement plays', () => {
    const r = run('replay', file('srtp.pcap', pcapOf(srtpLikeCall())), '--profile', 'l4s');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('stream: SSRC 0x11111111, PT 8 (PCMA), 8000 Hz, 198.51.100.7:40000 → 192.168.1.20:50000');
    expect(r.stdout).toMatch(/audio: replacement speech: PCMA payloads do not fit their timestamp steps/);
  });

  it('gives stream, audioSource and telephoneEvents in the JSON (a PCMA call with one DTMF key press)', () => {
    const r = run('replay', file('dtmf.pcap', pcapOf(pcmaCallWithDtmfAndCn())), '--json');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.stream).toEqual({ ssrc: 0x55555555, payloadType: 8, codec: 'PCMA', clockRate: 8000, flows: ['198.51.100.7:40000 → 192.168.1.20:50000'] });
    expect(report.audioSource).toBe('payload');
    expect(report).not.toHaveProperty('audioSourceReason');
    expect(report.telephoneEvents).toBe(1);
    expect(report.outputSha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('issue 14 item 8: compare takes every format replay reads and goes on past a bad file', () => {
  it('replays a .cap and a .rtp file, reports the unreadable one on stderr, and exits 1', () => {
    const folder = mkdtempSync(join(dir, 'compare-'));
    writeFileSync(join(folder, 'call.cap'), pcapOf(g711Call('PCMU', { packets: 100 })));
    const rtp = g711Call('PCMU', { packets: 100, seed: 9 }).map((p, k) => ({ offsetMs: k * 20, packet: p.rtp }));
    writeFileSync(join(folder, 'dump.rtp'), rtpdumpFile(rtp));
    writeFileSync(join(folder, 'bad.pcap'), 'not a capture\n');
    const r = run('compare', folder);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/\ncall +l4s /);
    expect(r.stdout).toMatch(/\ndump +l4s /);
    expect(r.stdout).toContain('1 file(s) could not be replayed (see stderr): bad.pcap');
    expect(r.stderr).toMatch(/jitterlane compare: skipped .*bad\.pcap: not a trace file/);
  });
});
