// A call between two peer connections of one page whose every datagram goes
// through the Node-side network emulator (src/netem/udp_relay.ts): each
// description's candidates are replaced by the relay's address before the
// other peer sees it, and the page tells Node (window.netemPeers, exposed by
// the test or the versus-neteq command) where each peer really listens.
// The microphone is the shipped speech sample, looped.

import { loopbackCandidatePort, pointCandidatesAt } from '../../../dist/src/netem/sdp_candidates.js';

const RELAY_HOST = '127.0.0.1';

/** Resolves once `pc` has gathered every candidate (they are in its localDescription then). */
function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (pc.iceGatheringState !== 'complete') return;
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    pc.addEventListener('icegatheringstatechange', check);
  });
}

/**
 * One offer/answer round through the relay: the sender's offer reaches the
 * receiver pointing at relay side B, the answer reaches the sender pointing at
 * side A; the relay learns each peer's real 127.0.0.1 candidate.
 */
export async function negotiate(sender, receiver, relay) {
  await sender.setLocalDescription();
  await gathered(sender);
  const offer = sender.localDescription.sdp;
  await window.netemPeers({ a: loopbackCandidatePort(offer) });
  await receiver.setRemoteDescription({ type: 'offer', sdp: pointCandidatesAt(offer, { address: RELAY_HOST, port: relay.b }) });
  await receiver.setLocalDescription();
  await gathered(receiver);
  const answer = receiver.localDescription.sdp;
  await window.netemPeers({ b: loopbackCandidatePort(answer) });
  await sender.setRemoteDescription({ type: 'answer', sdp: pointCandidatesAt(answer, { address: RELAY_HOST, port: relay.a }) });
}

/** The speech sample as a looping source in `context`, and a track carrying it. */
export async function speechSource(context) {
  const response = await fetch(new URL('../../../assets/speech-48k.wav', import.meta.url));
  const buffer = await context.decodeAudioData(await response.arrayBuffer());
  const source = new AudioBufferSourceNode(context, { buffer, loop: true });
  const destination = context.createMediaStreamDestination();
  source.connect(destination);
  source.start();
  return { source, track: destination.stream.getAudioTracks()[0] };
}

/**
 * Sender and receiver peer connections (one transport: max-bundle, rtcp-mux)
 * with `tracks` sent on their own transceivers (Opus, the browser's defaults:
 * useinbandfec=1, 20 ms; inside RED with `red`), negotiated through the relay. `onTrack` gets each
 * receiving transceiver's track event, before the first frame.
 */
export async function relayedCall({ relay, tracks, onTrack, red = false }) {
  const config = { bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };
  const sender = new RTCPeerConnection(config);
  const receiver = new RTCPeerConnection(config);
  receiver.ontrack = onTrack;
  const transceivers = tracks.map((track) => sender.addTransceiver(track, { direction: 'sendonly' }));
  if (red) {
    // RFC 2198 redundant Opus (audio/red), as apps that want loss resilience negotiate it: red first.
    const codecs = RTCRtpSender.getCapabilities('audio').codecs;
    const isRed = (c) => c.mimeType.toLowerCase() === 'audio/red';
    for (const t of transceivers) t.setCodecPreferences([...codecs.filter(isRed), ...codecs.filter((c) => !isRed(c))]);
  }
  await negotiate(sender, receiver, relay);
  return { sender, receiver, transceivers, renegotiate: () => negotiate(sender, receiver, relay) };
}

/** Lets Chromium pull (and so run NetEq on) a remote track, and gives its output in `context`. */
export function neteqOutput(context, track) {
  // Chromium renders a remote track into WebAudio only while a media element plays it.
  const element = new Audio();
  element.srcObject = new MediaStream([track]);
  element.muted = true;
  element.play().catch(() => {});
  return context.createMediaStreamSource(new MediaStream([track]));
}

/** The receiver's own inbound-rtp stats (NetEq's), or null before the first packet. */
export async function inboundStats(rtpReceiver) {
  let found = null;
  (await rtpReceiver.getStats()).forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') found = s;
  });
  return found;
}

/** An envelope recorder over `inputs` (AudioNodes; `node` takes more on the same inputs later), rendered by connecting it to a silent sink. */
export async function envelopeRecorder(context, inputs, seconds) {
  await context.audioWorklet.addModule(new URL('./netem_recorder.js', import.meta.url));
  const recorder = new AudioWorkletNode(context, 'netem-envelope-recorder', {
    numberOfInputs: inputs.length,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    channelCount: 1,
    channelCountMode: 'explicit',
    processorOptions: { seconds, binFrames: context.sampleRate / 1000 },
  });
  inputs.forEach((node, k) => node.connect(recorder, 0, k));
  recorder.connect(new GainNode(context, { gain: 0 })).connect(context.destination);
  const reply = (type) => new Promise((resolve) => {
    const listener = (event) => {
      if (event.data.type !== type) return;
      recorder.port.removeEventListener('message', listener);
      resolve(event.data);
    };
    recorder.port.addEventListener('message', listener);
    recorder.port.start();
  });
  return {
    node: recorder,
    start: () => {
      const started = reply('started');
      recorder.port.postMessage('start');
      return started;
    },
    stop: () => {
      const stopped = reply('stopped');
      recorder.port.postMessage('stop');
      return stopped;
    },
  };
}

/** Keeps the main thread busy on purpose: a `taskMs` task every `everyMs` (a UI framework's render, a transcript view). */
export function busyMainThread(taskMs = 20, everyMs = 50) {
  const timer = setInterval(() => {
    const end = performance.now() + taskMs;
    while (performance.now() < end) {
      // busy on purpose
    }
  }, everyMs);
  return () => clearInterval(timer);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
