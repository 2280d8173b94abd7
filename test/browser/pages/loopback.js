// A call between two peer connections in one page, for the browser tests:
// an oscillator as the microphone, optional PCMU, optional sender transform,
// and the receiving side's ontrack handler installed before negotiation.

/** An oscillator track at `frequency` Hz and `gain`, rendered by `context`. */
export function toneTrack(context, frequency, gain = 1) {
  const oscillator = new OscillatorNode(context, { frequency });
  const level = new GainNode(context, { gain });
  const destination = context.createMediaStreamDestination();
  oscillator.connect(level).connect(destination);
  oscillator.start();
  return destination.stream.getAudioTracks()[0];
}

/**
 * Connects a sender carrying `track` to a receiver over loopback and resolves
 * once both descriptions are set. `pcmu` forces G.711 μ-law; `senderTransform`
 * (an RTCRtpScriptTransform) goes on the sender; `red` prefers RED-wrapped
 * Opus (audio/red); `onTrack` gets the receiver's
 * track event.
 */
export async function loopbackCall(track, { pcmu = false, red = false, senderTransform = null, onTrack = () => {} } = {}) {
  const sender = new RTCPeerConnection();
  const receiver = new RTCPeerConnection();
  sender.onicecandidate = (e) => e.candidate && receiver.addIceCandidate(e.candidate);
  receiver.onicecandidate = (e) => e.candidate && sender.addIceCandidate(e.candidate);
  receiver.ontrack = onTrack;
  const transceiver = sender.addTransceiver(track, { direction: 'sendonly' });
  const codecs = RTCRtpSender.getCapabilities('audio').codecs;
  if (pcmu) transceiver.setCodecPreferences(codecs.filter((c) => c.mimeType.toLowerCase() === 'audio/pcmu'));
  // RFC 2198 redundant Opus, as apps that want loss resilience negotiate it: red first, then the rest.
  const isRed = (c) => c.mimeType.toLowerCase() === 'audio/red';
  if (red) transceiver.setCodecPreferences([...codecs.filter(isRed), ...codecs.filter((c) => !isRed(c))]);
  if (senderTransform) transceiver.sender.transform = senderTransform;
  await sender.setLocalDescription();
  await receiver.setRemoteDescription(sender.localDescription);
  await receiver.setLocalDescription();
  await sender.setRemoteDescription(receiver.localDescription);
  return { sender, receiver };
}
