// One trace as the demo page replays it: the packet timing of a capture,
// worked out by the same readers and replay preparation the Node replay uses,
// sent as columns (a 13-minute trace is 40 000 packets; columns keep it small).
// The page makes the payloads itself from the speech sample, so no audio is
// sent here.

import { prepareReplay } from '../dist/src/replay/prepared.js';
import { readTrace } from '../dist/src/trace/index.js';

/** Rounds to 1/100 ms: finer than a sample at 48 kHz is not needed for a realtime push. */
function centiMs(value) {
  return Math.round(value * 100) / 100;
}

/**
 * Reads the trace at `path` and returns what the page needs to push its packets in real time.
 * Every packet carries replacement speech (PCM16LE at 48 kHz), as `jitterlane replay --audio
 * replacement --replacement pcm` does, so every trace plays the same voice whatever its codec,
 * and the naive FIFO beside it can play the same PCM.
 */
export function traceJson(path) {
  const prepared = prepareReplay(readTrace(path), 'replacement', 'pcm');
  const first = prepared.packets[0].arrivalMs;
  // Network delay relative to the fastest packet: the quantity the arrivals plot shows.
  let minTransit = Infinity;
  for (const p of prepared.packets) minTransit = Math.min(minTransit, p.arrivalMs - p.sendMs);
  const columns = { arrivalMs: [], delayMs: [], sequenceNumber: [], timestamp: [], replacementStart: [], ecn: [] };
  for (const p of prepared.packets) {
    columns.arrivalMs.push(centiMs(p.arrivalMs - first));
    columns.delayMs.push(centiMs(p.arrivalMs - p.sendMs - minTransit));
    columns.sequenceNumber.push(p.sequenceNumber);
    columns.timestamp.push(p.timestamp);
    columns.replacementStart.push(Math.round(p.replacementStart));
    columns.ecn.push(p.ecn);
  }
  return {
    name: prepared.traceName,
    codec: prepared.codec,
    clockRate: prepared.clockRate,
    payloadRate: prepared.payloadRate,
    slotBytes: prepared.slotBytes,
    packetFrames: prepared.packetFrames,
    packets: prepared.packets.length,
    durationMs: columns.arrivalMs[columns.arrivalMs.length - 1],
    columns,
  };
}
