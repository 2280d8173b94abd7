// `jitterlane netem TRACE --listen HOST:PORT --forward HOST:PORT`: the
// emulator as a tool for any app on this machine. A client (say, the app's
// browser page or a voice agent) sends to --listen; the relay forwards to
// --forward (the app's media server) and back, and the RTP of one direction
// takes the trace's delays, losses and reordering. Loopback only; bounded by
// --seconds and --max-packets; Ctrl-C stops it early. Prints the relay's
// counters (and its release precision) when it stops.

import { parseArgs } from 'node:util';
import { readTrace } from '../trace/index.js';
import { parseLoopbackEndpoint } from './loopback_address.js';
import { scheduleFromTrace } from './network_schedule.js';
import { UdpRelay, type RelayStats } from './udp_relay.js';

/** The sub-command's usage lines (cli.ts prints them with the others). */
export const NETEM_USAGE = `  jitterlane netem TRACE --listen HOST:PORT --forward HOST:PORT
                          [--toward forward|listen] [--ssrc N] [--payload-type N]
                          [--frame-ms 20|10] [--pace MS] [--seconds N] [--max-packets N] [--json]

netem: a UDP relay on this machine that applies TRACE to live RTP. Point the
client at --listen; it relays to --forward and back (loopback addresses only).
RTP going --toward (default forward) takes the trace: packet k of each stream
(by SSRC, counted by sequence number) gets the delay or loss of the trace's
packet k, looping past its end; RTCP, STUN and DTLS pass at once. --ssrc and
--payload-type shape one stream only. --pace MS releases packet k at its send
slot (from the stream's own 20 ms rhythm) + MS + its delay, taking the sender's
timing jitter out (for a continuous stream, no DTX). It stops after --seconds
(default 600), --max-packets datagrams (default 1000000) or Ctrl-C, and prints
its counters.`;

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = value.startsWith('0x') ? Number.parseInt(value, 16) : Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, not ${value}`);
  return n;
}

function summary(stats: RelayStats): string {
  const lines = [`stopped by ${stats.closedBy}`];
  for (const [direction, counts] of Object.entries(stats.forwarded)) {
    lines.push(`  ${direction}: ${Object.entries(counts).map(([kind, n]) => `${kind} ${n}`).join(', ') || 'nothing'}`);
  }
  for (const s of stats.streams) {
    lines.push(`  shaped SSRC 0x${s.ssrc.toString(16).padStart(8, '0')} (PT ${s.payloadType}): ${s.packets} packets, ${s.lost} lost by the trace, ${s.reordered} reordered, ${s.overflow} over the hold limit`);
    const l = s.senderLatenessMs;
    if (l) lines.push(`    paced: sender late behind its slots by p50 ${l.p50Ms.toFixed(1)} ms, p99 ${l.p99Ms.toFixed(1)} ms, max ${l.maxMs.toFixed(1)} ms; ${s.senderLate} later than the pace, sent at once`);
  }
  const l = stats.lateness;
  lines.push(`  releases ${l.releases}, late by p50 ${l.p50Ms.toFixed(1)} ms, p99 ${l.p99Ms.toFixed(1)} ms, max ${l.maxMs.toFixed(1)} ms`);
  if (stats.refusedNonLoopback || stats.unroutable || stats.droppedAtClose) {
    lines.push(`  refused (not loopback) ${stats.refusedNonLoopback}, unroutable ${stats.unroutable}, held at stop ${stats.droppedAtClose}`);
  }
  return lines.join('\n');
}

/** Runs the sub-command with its arguments; resolves when the relay has stopped. */
export async function runNetem(args: string[], out: NodeJS.WritableStream = process.stdout): Promise<RelayStats> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      listen: { type: 'string' },
      forward: { type: 'string' },
      toward: { type: 'string' },
      ssrc: { type: 'string' },
      'payload-type': { type: 'string' },
      'frame-ms': { type: 'string' },
      pace: { type: 'string' },
      seconds: { type: 'string' },
      'max-packets': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw new Error('netem takes exactly one TRACE');
  if (!values.listen || !values.forward) throw new Error('netem needs --listen HOST:PORT and --forward HOST:PORT');
  const toward = values.toward ?? 'forward';
  if (toward !== 'forward' && toward !== 'listen') throw new Error(`--toward must be forward or listen, not ${toward}`);
  const frameMs = integer('frame-ms', values['frame-ms']);
  if (frameMs !== undefined && frameMs !== 10 && frameMs !== 20) throw new Error('--frame-ms must be 10 or 20');
  const seconds = integer('seconds', values.seconds) ?? 600;
  const schedule = scheduleFromTrace(readTrace(positionals[0], { frameMs }));
  const relay = await UdpRelay.start({
    bindA: parseLoopbackEndpoint(values.listen, '--listen'),
    peerB: parseLoopbackEndpoint(values.forward, '--forward'),
    schedule,
    direction: toward === 'forward' ? 'a-to-b' : 'b-to-a',
    ssrc: integer('ssrc', values.ssrc),
    payloadType: integer('payload-type', values['payload-type']),
    maxSeconds: seconds,
    paceMs: integer('pace', values.pace),
    maxDatagrams: integer('max-packets', values['max-packets']) ?? 1_000_000,
  });
  const a = relay.addressA;
  out.write(
    `netem: listening on ${a.address}:${a.port}, relaying to ${values.forward}; RTP toward ${toward} takes ${schedule.name} ` +
      `(${schedule.delaysMs.length} packets of ${schedule.packetMs} ms, mean delay ${schedule.meanDelayMs.toFixed(1)} ms above the fastest, ${schedule.lossPercent.toFixed(2)} % lost, looped); ` +
      `stops after ${seconds} s\n`,
  );
  const interrupt = () => void relay.close();
  process.once('SIGINT', interrupt);
  const stats = await relay.closed;
  process.off('SIGINT', interrupt);
  out.write((values.json ? JSON.stringify(stats) : summary(stats)) + '\n');
  return stats;
}
