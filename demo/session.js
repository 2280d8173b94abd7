// One playback of a trace: the AudioContext, the JitterlaneNode (and, side by
// side, the naive FIFO player) fed by one PacketClock, the profile control,
// and the stats poll that feeds the plots. Everything a run owns is closed by
// stop().

import { JitterlaneNode } from '/dist/src/jitterlane_node.js';
import { loopedPcm16 } from '/dist/src/replay/looped_pcm16.js';
import { FifoPlayer } from './fifo_player.js';
import { PacketClock } from './packet_clock.js';
import { ProfileControl } from './profile_control.js';

/** Stats poll period, ms: ten plot points a second is smooth enough and costs the worklet little. */
const POLL_MS = 100;
/** The engine renders 48 kHz; a 48 kHz context spares both players any resampling. */
const SAMPLE_RATE = 48000;

/** Root mean square of what an analyser last saw: the "is there sound" measure. */
function rms(analyser, scratch) {
  analyser.getFloatTimeDomainData(scratch);
  let sum = 0;
  for (const v of scratch) sum += v * v;
  return Math.sqrt(sum / scratch.length);
}

/**
 * Starts playing `trace` (from /api/trace) with `speech` (Int16Array) as its audio.
 * `onPoll({ nowMs, stats, fifo, evidence })` runs every POLL_MS; `onPacket(index, nowMs)` per delivery;
 * `onProfile(profile, nowMs)` per switch; `onEnd()` once the trace is over.
 */
export async function startSession({ trace, speech, mode, evidenceOn, sideBySide, onPoll, onPacket, onProfile, onEnd }) {
  const context = new AudioContext({ sampleRate: SAMPLE_RATE, latencyHint: 'interactive' });
  await context.resume();
  const node = await JitterlaneNode.create(context, {
    codec: trace.codec,
    clockRate: trace.clockRate,
    payloadRate: trace.payloadRate,
    slotBytes: trace.slotBytes,
    profile: mode === 'auto' ? 'classic' : mode,
  });
  // Each player: its own analyser (what the test and the level meters read) and a panner
  // (side by side: jitterlane on the left, the FIFO on the right).
  const jitterlane = { analyser: context.createAnalyser(), gain: context.createGain(), pan: new StereoPannerNode(context, { pan: sideBySide ? -1 : 0 }) };
  node.connect(jitterlane.analyser);
  jitterlane.analyser.connect(jitterlane.gain).connect(jitterlane.pan).connect(context.destination);
  let fifo = null;
  if (sideBySide) {
    const player = await FifoPlayer.create(context);
    fifo = { player, analyser: context.createAnalyser(), gain: context.createGain(), pan: new StereoPannerNode(context, { pan: 1 }) };
    player.node.connect(fifo.analyser);
    fifo.analyser.connect(fifo.gain).connect(fifo.pan).connect(context.destination);
  }

  const control = new ProfileControl(node, mode, evidenceOn);
  const columns = trace.columns;
  const clock = new PacketClock(columns.arrivalMs, (i, nowMs) => {
    const payload = loopedPcm16(speech, columns.replacementStart[i], trace.packetFrames);
    node.push(payload, { sequenceNumber: columns.sequenceNumber[i], timestamp: columns.timestamp[i] });
    fifo?.player.push(payload);
    control.delivered(columns.ecn[i]);
    onPacket(i, nowMs);
  });
  node.addEventListener('profilechange', (event) => onProfile(event.detail.profile, clock.now()));

  const scratch = new Float32Array(jitterlane.analyser.fftSize);
  const levels = { jitterlane: 0, jitterlanePeak: 0, fifo: 0, fifoPeak: 0 };
  let polling = false;
  let ended = false;
  let stopped = false;
  const poll = setInterval(async () => {
    if (polling) return; // a slow getStats reply must not pile up requests
    polling = true;
    try {
      const stats = await node.getStats();
      control.observe(stats);
      levels.jitterlane = rms(jitterlane.analyser, scratch);
      levels.jitterlanePeak = Math.max(levels.jitterlanePeak, levels.jitterlane);
      if (fifo) {
        levels.fifo = rms(fifo.analyser, scratch);
        levels.fifoPeak = Math.max(levels.fifoPeak, levels.fifo);
      }
      onPoll({ nowMs: clock.now(), stats, fifo: fifo?.player.stats() ?? null, evidence: control.evidence(), levels });
      // Played out: every packet delivered and the buffer drained.
      if (!ended && clock.done && stats.jitterlane.bufferedMs === 0) {
        ended = true;
        onEnd();
      }
    } catch (error) {
      // A reply that raced stop() is expected; anything else is shown.
      if (!stopped) console.error(error);
    } finally {
      polling = false;
    }
  }, POLL_MS);
  clock.start();

  return {
    node,
    levels,
    setMode: (m) => control.setMode(m),
    setEvidence: (on) => control.setEvidence(on),
    /** 'both' | 'jitterlane' | 'fifo': which player is heard (side by side only). */
    listen(which) {
      jitterlane.gain.gain.value = which === 'fifo' ? 0 : 1;
      if (fifo) fifo.gain.gain.value = which === 'jitterlane' ? 0 : 1;
    },
    async stop() {
      stopped = true;
      clock.stop();
      clearInterval(poll);
      control.stop();
      node.close();
      fifo?.player.close();
      await context.close();
    },
  };
}
