// chunks: the chunk path's cost per 128-frame quantum (issue #15), timed in
// one bench with the packet path and the naive chunk player, so the ratios come
// from the same minute of the same machine. Every player gets the same voiced
// PCM16 48 kHz audio shaped as an AI-voice server sends it: each 6 s response's
// first 3 s in one burst of 100 ms chunks, then a 100 ms chunk each 100 ms,
// then the next response. The packet path gets it as 20 ms RTP packets on
// time (the engine steady suite's stream). Each figure includes its share of
// taking the chunks or packets in.

import { ChunkPlayer } from '../../src/chunks/chunk_player.js';
import { loadEngineModule } from '../../src/engine/node_loader.js';
import { NaivePlayer } from '../naive_player.js';
import { SteadyFeed, QUANTUM } from '../steady_feed.js';
import type { Suite } from '../suite.js';
import { timeTasks, type TimedTask } from '../timing.js';
import { voicedPayloads } from '../voiced_signal.js';

/** Quanta per task call: 8 s of audio, a response and a third. */
const QUANTA_PER_CALL = 3000;
/** 100 ms of 48 kHz PCM16: the chunk size. */
const CHUNK_BYTES = 9600;
/** A response: 60 chunks (6 s), 30 of them at once. */
const RESPONSE_CHUNKS = 60;
const BURST_CHUNKS = 30;
/** 100 ms in quanta: 37.5. */
const QUANTA_PER_CHUNK = 37.5;

let sink = 0;

/** One second of the voiced signal cut into 100 ms chunks. */
function voicedChunks(): Uint8Array[] {
  const payloads = voicedPayloads();
  const second = new Uint8Array(payloads.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of payloads) {
    second.set(p, at);
    at += p.length;
  }
  return Array.from({ length: second.length / CHUNK_BYTES }, (_, k) => second.subarray(k * CHUNK_BYTES, (k + 1) * CHUNK_BYTES));
}

/** Calls `push(chunk, responseId, last)` for the chunks due before quantum `q` of the bursty schedule; one instance per player. */
class BurstySchedule {
  private readonly chunks = voicedChunks();
  private quantum = 0;
  private sent = 0;
  private response = 0;

  before(push: (chunk: Uint8Array, responseId: string, last: boolean) => void): void {
    // Response n starts at quantum n × 6 s; within it, chunk k (past the burst) is due at (k − 30) × 100 ms.
    const inResponse = this.quantum - this.response * RESPONSE_CHUNKS * QUANTA_PER_CHUNK;
    while (this.sent < RESPONSE_CHUNKS && (this.sent < BURST_CHUNKS || (this.sent - BURST_CHUNKS + 1) * QUANTA_PER_CHUNK <= inResponse)) {
      push(this.chunks[this.sent % this.chunks.length]!, `r${this.response}`, this.sent === RESPONSE_CHUNKS - 1);
      this.sent++;
    }
    if (this.sent === RESPONSE_CHUNKS && inResponse + 1 >= RESPONSE_CHUNKS * QUANTA_PER_CHUNK) {
      this.response++;
      this.sent = 0;
    }
    this.quantum++;
  }
}

function chunkPlayerTask(name: string): TimedTask {
  const player = new ChunkPlayer(loadEngineModule(), { encoding: 'pcm16', sampleRate: 48000, storeSeconds: 20 });
  const schedule = new BurstySchedule();
  const out = [new Float32Array(QUANTUM)];
  const push = (chunk: Uint8Array, id: string, last: boolean) => {
    player.pushChunk(chunk, id);
    if (last) player.done(id);
  };
  return {
    name,
    ops: QUANTA_PER_CALL,
    fn: () => {
      for (let i = 0; i < QUANTA_PER_CALL; i++) {
        schedule.before(push);
        player.pull(QUANTUM, out);
      }
      sink += out[0]![sink & 127]!;
    },
  };
}

function naiveChunkTask(name: string): TimedTask {
  const player = new NaivePlayer();
  const schedule = new BurstySchedule();
  const out = new Float32Array(QUANTUM);
  const push = (chunk: Uint8Array) => player.push(chunk);
  return {
    name,
    ops: QUANTA_PER_CALL,
    fn: () => {
      for (let i = 0; i < QUANTA_PER_CALL; i++) {
        schedule.before(push);
        player.pull(out);
      }
      sink += out[sink & 127]!;
    },
  };
}

function packetPathTask(name: string): TimedTask {
  const feed = new SteadyFeed(loadEngineModule().createEngine({ codec: 'PCM16LE' }), voicedPayloads());
  const out = [new Float32Array(QUANTUM)];
  return {
    name,
    ops: QUANTA_PER_CALL,
    fn: () => {
      for (let i = 0; i < QUANTA_PER_CALL; i++) feed.quantum(out);
      sink += out[0]![sink & 127]!;
    },
  };
}

export const chunksSuite: Suite = {
  name: 'chunks',
  title: 'the chunk path per 128-frame quantum (bursty 100 ms chunks, PCM16 48 kHz) against the packet path and the naive FIFO player',
  async run(options) {
    const chunk = chunkPlayerTask('chunk player: chunks in + pull + copy out');
    const packet = packetPathTask('packet path: insert share + pull + copy out');
    const naive = naiveChunkTask('naive chunk FIFO: chunks in + pull');
    const t = timeTasks([chunk, packet, naive], options);
    const [c, p, n] = [chunk, packet, naive].map((task) => t.get(task.name)!);
    return {
      figures: [
        { name: chunk.name, value: c.nsPerOp, unit: 'ns', spreadPercent: c.spreadPercent },
        { name: packet.name, value: p.nsPerOp, unit: 'ns', spreadPercent: p.spreadPercent },
        { name: naive.name, value: n.nsPerOp, unit: 'ns', spreadPercent: n.spreadPercent },
        { name: 'chunk player / packet path', value: c.nsPerOp / p.nsPerOp, unit: '×' },
        { name: 'chunk player / naive FIFO', value: c.nsPerOp / n.nsPerOp, unit: '×' },
      ],
      notes: [`a quantum is 2.67 ms of audio: the chunk player used ${((100 * c.nsPerOp) / 2_666_667).toFixed(3)} % of it here`],
      details: { quantaPerCall: QUANTA_PER_CALL, timings: Object.fromEntries(t) },
    };
  },
};
