// insert: the cost of filing one 20 ms PCM16LE packet, in order and with
// neighbours swapped. Timing one insert alone would measure the timer, and a
// burst of one stream's packets would distort its delay statistics, so the
// suite runs 16 steady streams in one module: each step files the next packet
// of every stream back to back (timed), then plays the 7 or 8 pulls that
// packet lasts on each (untimed). Every stream sees ordinary steady input.

import type { Engine } from '../../src/engine/index.js';
import { loadEngineModule } from '../../src/engine/node_loader.js';
import { PacketCadence } from '../cadence.js';
import { QUANTUM } from '../steady_feed.js';
import type { Suite } from '../suite.js';
import { timeTasks, type TimedTask } from '../timing.js';
import { PACKET_FRAMES, voicedPayloads } from '../voiced_signal.js';

const STREAMS = 16;
/** Steps (one packet per stream each) per task call. */
const STEPS_PER_CALL = 10;

type Filing = 'insert' | 'insertWritten';

/** Which packet a stream is handed at step k: itself, or with each pair swapped (every other packet one packet late). */
const inOrder = (k: number) => k;
const pairsSwapped = (k: number) => k ^ 1;

function insertTask(name: string, packetAt: (step: number) => number, filing: Filing): TimedTask {
  const module = loadEngineModule();
  const engines: Engine[] = [];
  for (let i = 0; i < STREAMS; i++) engines.push(module.createEngine({ codec: 'PCM16LE' }));
  // Creating later engines grew memory under the earlier ones' views; inputView rebuilds them.
  const inputs = engines.map((engine) => engine.inputView);
  const payloads = voicedPayloads();
  const cadence = new PacketCadence();
  const out = [new Float32Array(QUANTUM)];
  const info = { sequenceNumber: 0, timestamp: 0, arrivalFrame: 0 };
  let step = 0;
  let now = 0;
  return {
    name,
    ops: STREAMS * STEPS_PER_CALL,
    fn: () => {
      let timed = 0;
      let filed = 0;
      const callStart = performance.now();
      while (filed < STEPS_PER_CALL) {
        if (cadence.tick()) {
          const k = packetAt(step++);
          const payload = payloads[k % payloads.length];
          const sequenceNumber = k & 0xffff;
          const timestamp = (k * PACKET_FRAMES) % 0x1_0000_0000;
          const start = performance.now();
          for (let i = 0; i < STREAMS; i++) {
            if (filing === 'insert') {
              info.sequenceNumber = sequenceNumber;
              info.timestamp = timestamp;
              info.arrivalFrame = now;
              engines[i].insert(payload, info);
            } else {
              inputs[i].set(payload);
              engines[i].insertWritten(payload.length, sequenceNumber, timestamp, -1, now);
            }
          }
          timed += performance.now() - start;
          filed++;
        }
        for (let i = 0; i < STREAMS; i++) engines[i].pullInto(out, QUANTUM);
        now += QUANTUM;
      }
      return { overriddenDuration: timed, overriddenIterationCost: performance.now() - callStart };
    },
  };
}

export const insertSuite: Suite = {
  name: 'insert',
  title: 'filing one 20 ms PCM16LE packet into a steady stream, in order and reordered',
  async run(options) {
    const tasks = [
      insertTask('insert(), in order', inOrder, 'insert'),
      insertTask('insert(), pairs swapped', pairsSwapped, 'insert'),
      insertTask('inputView.set + insertWritten, in order', inOrder, 'insertWritten'),
    ];
    const t = timeTasks(tasks, options);
    const [ordered, swapped, written] = tasks.map((task) => t.get(task.name)!);
    return {
      figures: [
        ...tasks.map((task) => ({ name: task.name, value: t.get(task.name)!.nsPerOp, unit: 'ns', spreadPercent: t.get(task.name)!.spreadPercent })),
        { name: 'pairs swapped / in order', value: swapped.nsPerOp / ordered.nsPerOp, unit: '×' },
        { name: 'insertWritten / insert()', value: written.nsPerOp / ordered.nsPerOp, unit: '×' },
      ],
      notes: [`${STREAMS} streams filed back to back per timed span (two performance.now() reads, their cost spread over ${STREAMS} inserts)`],
      details: { streams: STREAMS, packetsPerStreamPerCall: STEPS_PER_CALL, timings: Object.fromEntries(t) },
    };
  },
};
