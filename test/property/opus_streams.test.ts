// Property tests of issue 7 for the Opus path: the speech fixture streamed with
// losses, duplicates, reordering and mangled payloads (bytes flipped, cut
// short, lengthened with garbage, TOC bytes replaced, empty and 1-byte
// payloads) through libopus behind the engine's host hooks. On every case:
// nothing throws, samples stay finite in [-1, 1], neither WASM memory grows,
// every packet is accounted for, and every FEC-carrying packet is recovered
// from, discarded, or still waiting. FUZZ_SEED=<n> replays a run.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadEngineModule, loadLibOpus } from '../../src/engine/node_loader.js';
import { fcParameters } from '../helpers/property_streams.js';
import { seededRandom } from '../helpers/engine_stream.js';
import { opusFixture } from '../helpers/opus_fixtures.js';

const QUANTUM = 128;
const fixture = opusFixture('speech-20ms-fec').packets;

type Mangle = { kind: 'flip'; at: number; mask: number } | { kind: 'cut'; keep: number } | { kind: 'grow'; extra: number[] } | { kind: 'toc'; toc: number } | { kind: 'empty' } | { kind: 'tocOnly' };

const mangleArbitrary: fc.Arbitrary<Mangle> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(200), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), keep: fc.nat(60) }),
  fc.record({ kind: fc.constant('grow' as const), extra: fc.array(fc.nat(255), { minLength: 1, maxLength: 1400 }) }),
  fc.record({ kind: fc.constant('toc' as const), toc: fc.nat(255) }),
  fc.record({ kind: fc.constant('empty' as const) }),
  fc.record({ kind: fc.constant('tocOnly' as const) }),
);

function mangle(payload: Uint8Array, m: Mangle): Uint8Array {
  if (m.kind === 'flip') {
    const out = payload.slice();
    out[m.at % out.length] ^= m.mask;
    return out;
  }
  if (m.kind === 'cut') return payload.slice(0, Math.min(payload.length, m.keep));
  if (m.kind === 'grow') return Uint8Array.from([...payload, ...m.extra]);
  if (m.kind === 'toc') return Uint8Array.from([m.toc, ...payload.subarray(1)]);
  if (m.kind === 'empty') return new Uint8Array(0);
  return payload.subarray(0, 1);
}

const scenarioArbitrary = fc.record({
  count: fc.integer({ min: 50, max: 600 }),
  start: fc.nat(299),
  firstSequence: fc.nat(0xffff),
  firstTimestamp: fc.nat(0xffffffff),
  lossRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
  duplicateRate: fc.double({ min: 0, max: 0.1, noNaN: true }),
  jitterMs: fc.integer({ min: 0, max: 80 }),
  mangles: fc.array(fc.tuple(fc.nat(599), mangleArbitrary), { maxLength: 40 }),
  profile: fc.constantFrom('l4s' as const, 'classic' as const),
  pull: fc.constantFrom(128, 441, 37, 2048),
  seed: fc.nat(),
});

describe('hostile Opus streams', () => {
  const engineModule = loadEngineModule('release');
  const lib = loadLibOpus();

  it('never throw, grow memory, emit a sample outside [-1, 1], or lose count of a packet or of its FEC', () => {
    const parameters = fcParameters(60);
    console.log(`[property] opus streams: seed ${parameters.seed} (replay with FUZZ_SEED=${parameters.seed}), ${parameters.numRuns} runs`);
    let packets = 0;
    let recovered = 0;
    fc.assert(
      fc.property(scenarioArbitrary, (s) => {
        const random = seededRandom(s.seed);
        const mangles = new Map(s.mangles.map(([at, m]) => [at % s.count, m]));
        const sends: { payload: Uint8Array; seq: number; ts: number; arrival: number }[] = [];
        for (let k = 0; k < s.count; k++) {
          if (random() < s.lossRate) continue;
          const original = fixture[(s.start + k) % fixture.length]!;
          const m = mangles.get(k);
          const payload = m ? mangle(original, m) : original;
          const send = { payload, seq: (s.firstSequence + k) & 0xffff, ts: (s.firstTimestamp + k * 960) >>> 0, arrival: k * 960 + Math.floor(random() * s.jitterMs * 48) };
          sends.push(send);
          if (random() < s.duplicateRate) sends.push({ ...send, arrival: send.arrival + Math.floor(random() * 4800) });
        }
        sends.sort((a, b) => a.arrival - b.arrival);
        const engine = engineModule.createEngine({ codec: 'opus', opus: lib, profile: s.profile });
        try {
          const engineBytes = engineModule.exports.memory.buffer.byteLength;
          const opusBytes = lib.exports.memory.buffer.byteLength;
          const end = (s.count + 20) * 960;
          let next = 0;
          for (let now = 0; now < end; now += s.pull) {
            while (next < sends.length && sends[next]!.arrival <= now) {
              const p = sends[next++]!;
              engine.insert(p.payload, { sequenceNumber: p.seq, timestamp: p.ts, arrivalFrame: p.arrival });
            }
            const [out] = engine.pull(s.pull);
            for (let i = 0; i < s.pull; i++) {
              const v = out![i]!;
              if (!(Math.abs(v) <= 1)) throw new Error(`sample ${v} at frame ${now + i}`);
            }
          }
          const st = engine.stats();
          expect(engineModule.exports.memory.buffer.byteLength).toBe(engineBytes);
          expect(lib.exports.memory.buffer.byteLength).toBe(opusBytes);
          // Every arrival is counted once: received (then played, discarded, waiting, a duplicate or a
          // decoder error) or refused at insert. packetsInvalid also counts the decoder's refusals.
          expect(st.packetsReceived + st.packetsInvalid - st.decoderErrors).toBe(sends.length);
          expect(st.packetsPlayed + st.packetsDiscarded + st.packetsBuffered + st.packetsDuplicated + st.decoderErrors).toBe(st.packetsReceived);
          // Every FEC-carrying packet recovered a loss, was discarded, or is still waiting.
          expect(st.fecPacketsReceived - st.fecRecovered - st.fecPacketsDiscarded).toBeGreaterThanOrEqual(0);
          expect(st.fecPacketsReceived - st.fecRecovered - st.fecPacketsDiscarded).toBeLessThanOrEqual(st.packetsBuffered);
          packets += sends.length;
          recovered += st.fecRecovered;
        } finally {
          engine.destroy();
        }
      }),
      parameters,
    );
    console.log(`[property] opus streams: ${packets} packets, ${recovered} recovered from FEC`);
    expect(recovered).toBeGreaterThan(0);
  });
});
