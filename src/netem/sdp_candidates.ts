// Pointing two browser peers at the relay: each session description's ICE
// candidates are replaced by one host candidate at the relay's address, so a
// peer sends everything (STUN, DTLS, SRTP, RTCP) to the relay, which forwards
// it to the other peer's real loopback candidate. Runs in the page (no Node
// imports) and in Node.
//
// Getting a usable host candidate out of headless Chromium 156 (tried here):
// - By default every host candidate is an mDNS name (`<uuid>.local`) that
//   hides the address, and no loopback candidate is gathered at all.
// - `--allow-loopback-in-peer-connection` alone changes nothing: loopback and
//   the real addresses appear only when the page also holds microphone
//   permission (Chromium shows local addresses to pages that may capture).
//   Granting it through the browser context (playwright `permissions:
//   ['microphone']`) is enough; no getUserMedia call and no
//   `--use-fake-ui-for-media-stream` is needed (that flag alone still gave
//   mDNS names).
// - Then each peer gathers `127.0.0.1` (and `::1`, and the machine's other
//   addresses) host candidates; only the 127.0.0.1 UDP one is used here, so
//   nothing but loopback ever carries the call.

/** The priority Chromium gives a loopback UDP host candidate (any valid priority works: there is one candidate). */
const HOST_PRIORITY = 2122194687;

/** The port of the description's 127.0.0.1 UDP host candidate; throws when it has none (mDNS names hide the addresses). */
export function loopbackCandidatePort(sdp: string): number {
  const match = /^a=candidate:\S+ \d+ udp \d+ 127\.0\.0\.1 (\d+) typ host/im.exec(sdp);
  if (!match) {
    throw new Error(
      'the description has no 127.0.0.1 UDP host candidate: start Chromium with --allow-loopback-in-peer-connection and grant the page ' +
        'microphone permission (otherwise candidates are mDNS .local names and loopback is not gathered); wait for ICE gathering to complete',
    );
  }
  return Number(match[1]);
}

/**
 * The description with every ICE candidate replaced by one UDP host candidate
 * at `address`:`port`, in every media section, and gathering marked complete.
 */
export function pointCandidatesAt(sdp: string, endpoint: { address: string; port: number }): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(eol).filter((line) => !line.startsWith('a=candidate:') && line !== 'a=end-of-candidates');
  const out: string[] = [];
  const candidate = `a=candidate:1 1 udp ${HOST_PRIORITY} ${endpoint.address} ${endpoint.port} typ host`;
  let inMedia = false;
  for (const line of lines) {
    if (line.startsWith('m=') && inMedia) out.push(candidate, 'a=end-of-candidates');
    if (line.startsWith('m=')) inMedia = true;
    if (line !== '') out.push(line);
  }
  if (inMedia) out.push(candidate, 'a=end-of-candidates');
  return out.join(eol) + eol;
}
