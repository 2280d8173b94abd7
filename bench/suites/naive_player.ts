// naive player: the reference playout (bench/naive_player.ts) on a steady
// 20 ms PCM16LE stream, one packet per 7.5 pulls of 128 frames. The time per
// pull includes its share of converting and queuing each packet, as the
// engine's includes decoding.

import { PacketCadence } from '../cadence.js';
import { NaivePlayer } from '../naive_player.js';
import { QUANTUM } from '../steady_feed.js';
import type { Suite } from '../suite.js';
import { timeTasks, type TimedTask } from '../timing.js';
import { voicedPayloads } from '../voiced_signal.js';

/** Pulls per task call: 20 packets' worth, so every call holds whole 7/8 cycles. */
const PULLS_PER_CALL = 300;

let sink = 0;

export function naivePlayerTask(name = 'naive player: pull 128 frames'): TimedTask {
  const payloads = voicedPayloads();
  const player = new NaivePlayer();
  const cadence = new PacketCadence();
  const out = new Float32Array(QUANTUM);
  let packets = 0;
  return {
    name,
    ops: PULLS_PER_CALL,
    fn: () => {
      for (let i = 0; i < PULLS_PER_CALL; i++) {
        if (cadence.tick()) player.push(payloads[packets++ % payloads.length]);
        player.pull(out);
      }
      sink += out[sink & 127];
    },
  };
}

export const naivePlayerSuite: Suite = {
  name: 'naive',
  title: 'a FIFO of Float32Array chunks pulled 128 frames at a time (typical AI-voice worklet player)',
  async run(options) {
    const naive = naivePlayerTask();
    const t = timeTasks([naive], options).get(naive.name)!;
    return {
      figures: [{ name: naive.name, value: t.nsPerOp, unit: 'ns', spreadPercent: t.spreadPercent }],
      notes: [],
      details: { pullsPerCall: PULLS_PER_CALL, timing: t },
    };
  },
};
