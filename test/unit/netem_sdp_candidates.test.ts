// Pointing a Chromium session description at the relay.

import { describe, expect, it } from 'vitest';
import { loopbackCandidatePort, pointCandidatesAt } from '../../src/netem/sdp_candidates.js';

// The shape of Chromium 156's offer after gathering (microphone permission and
// --allow-loopback-in-peer-connection; trimmed to the lines that matter).
const OFFER = [
  'v=0',
  'o=- 123 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63',
  'c=IN IP4 0.0.0.0',
  'a=candidate:2082769624 1 udp 2122194687 127.0.0.1 59694 typ host generation 0 ufrag wgtq network-id 3 network-cost 50',
  'a=candidate:2429635632 1 udp 2122063615 192.0.2.2 37800 typ host generation 0 ufrag wgtq network-id 1',
  'a=candidate:1730141223 1 udp 2122267903 ::1 43267 typ host generation 0 ufrag wgtq network-id 4 network-cost 50',
  'a=candidate:45789141 1 tcp 1518214911 127.0.0.1 9 typ host tcptype active generation 0 ufrag wgtq network-id 3 network-cost 50',
  'a=end-of-candidates',
  'a=mid:0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63',
  'c=IN IP4 0.0.0.0',
  'a=candidate:2082769624 1 udp 2122194687 127.0.0.1 59694 typ host generation 0 ufrag wgtq network-id 3 network-cost 50',
  'a=mid:1',
  '',
].join('\r\n');

describe('ICE candidates and the relay', () => {
  it('finds the 127.0.0.1 UDP host candidate, not the TCP one or the other addresses', () => {
    expect(loopbackCandidatePort(OFFER)).toBe(59694);
  });

  it('says which flags are missing when only mDNS names were gathered', () => {
    const mdns = 'm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=candidate:1 1 udp 2113937151 ad445404-6548-48d4-a34d-c5b95b78082b.local 56640 typ host\r\n';
    expect(() => loopbackCandidatePort(mdns)).toThrow(/--allow-loopback-in-peer-connection.*microphone/);
  });

  it('replaces every candidate of every media section with one at the relay, and keeps the rest of the description', () => {
    const pointed = pointCandidatesAt(OFFER, { address: '127.0.0.1', port: 40000 });
    const lines = pointed.split('\r\n');
    expect(lines.filter((l) => l.startsWith('a=candidate:'))).toEqual([
      'a=candidate:1 1 udp 2122194687 127.0.0.1 40000 typ host',
      'a=candidate:1 1 udp 2122194687 127.0.0.1 40000 typ host',
    ]);
    expect(lines.filter((l) => l === 'a=end-of-candidates')).toHaveLength(2);
    // The candidate closes its section: it comes before the next m= line.
    expect(lines.indexOf('a=candidate:1 1 udp 2122194687 127.0.0.1 40000 typ host')).toBeLessThan(lines.lastIndexOf('m=audio 9 UDP/TLS/RTP/SAVPF 111 63'));
    for (const kept of ['a=group:BUNDLE 0 1', 'a=mid:0', 'a=mid:1', 'c=IN IP4 0.0.0.0']) expect(lines).toContain(kept);
    expect(pointed.endsWith('\r\n')).toBe(true);
    expect(loopbackCandidatePort(pointed)).toBe(40000);
  });
});
