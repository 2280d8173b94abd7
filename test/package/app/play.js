// What a consumer of the package writes: import the node by its package
// name, create it, push packets, listen. The Vite build bundles this file; the
// plain-ESM page loads it as it is, the bare specifier mapped by an importmap.
import { JitterlaneNode } from 'jitterlane/browser';
import { EcnMonitor } from 'jitterlane/ecn';

const PACKET_FRAMES = 960; // 20 ms at 48 kHz
const TONE_HZ = 440;
const AMPLITUDE = 0.5;

/** One 20 ms packet of a 440 Hz sine, PCM16LE at 48 kHz. */
function tonePacket(index) {
  const bytes = new Uint8Array(PACKET_FRAMES * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < PACKET_FRAMES; i++) {
    const t = (index * PACKET_FRAMES + i) / 48000;
    view.setInt16(i * 2, Math.round(AMPLITUDE * 32767 * Math.sin(2 * Math.PI * TONE_HZ * t)), true);
  }
  return bytes;
}

/** The Opus packets of a JLOP file (see the package's test fixtures): u16 length + bytes each, after a 12-byte header. */
async function opusPackets(url) {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const view = new DataView(bytes.buffer);
  const packets = [];
  for (let at = 12, i = 0; i < view.getUint32(8, true); i++) {
    const length = view.getUint16(at, true);
    packets.push(bytes.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return packets;
}

/** Plays `seconds` of the tone pushed at its natural pace; returns the loudest RMS the analyser saw. */
window.playTone = (seconds) => play(seconds, 'PCM16LE', tonePacket);

/** The same with Opus speech (libopus decodes it in the worklet). */
window.playOpus = async (seconds) => {
  const packets = await opusPackets('./speech.jlop');
  return play(seconds, 'opus', (index) => packets[index % packets.length]);
};

async function play(seconds, codec, packetAt) {
  const context = new AudioContext();
  await context.resume();
  const node = await JitterlaneNode.create(context, { codec, profile: 'classic' });
  const monitor = new EcnMonitor({ target: node });
  const analyser = context.createAnalyser();
  analyser.fftSize = 2048;
  node.connect(analyser);
  analyser.connect(context.destination);
  const samples = new Float32Array(analyser.fftSize);
  let peakRms = 0;
  const packets = Math.round((seconds * 1000) / 20);
  const started = performance.now();
  let next = 0;
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      while (next < packets && next * 20 <= performance.now() - started) {
        node.push(packetAt(next), { sequenceNumber: next, timestamp: next * PACKET_FRAMES });
        next++;
      }
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const v of samples) sum += v * v;
      peakRms = Math.max(peakRms, Math.sqrt(sum / samples.length));
      if (next >= packets) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  // The last packet reaches the engine at the worklet's next render quantum: ask until it is counted.
  let stats = await node.getStats();
  for (let tries = 0; tries < 40 && stats.packetsReceived < packets; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    stats = await node.getStats();
  }
  node.close();
  await context.close();
  return { peakRms, transport: node.transport, packetsReceived: stats.packetsReceived, monitorProfile: monitor.profile, decoderErrors: stats.jitterlane.decoderErrors };
}
window.pageReady = true;
