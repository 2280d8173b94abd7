// Writes assets/traces/synthetic_wifi_jitter.csv: a 30 s RTP trace without
// payloads (arrival_us,seq,timestamp,payload_bytes), 20 ms packets at 48 kHz,
// with Wi-Fi-like jitter: a few ms of noise, bursts of 20–60 ms every few
// seconds, 1 % random loss and a 2 s DTX pause. A seeded generator keeps it
// reproducible: `node scripts/make-sample-trace.mjs`.
import { writeFileSync } from 'node:fs';

let state = 0x2545f491;
function random() {
  // xorshift32: small, seeded, the same on every platform.
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
}

const rows = ['arrival_us,seq,timestamp,payload_bytes'];
let seq = 40000;
let burstUntil = -1;
let burstDelay = 0;
for (let k = 0; k < 1500; k++) {
  const sendUs = k * 20000;
  if (k >= 600 && k < 700) continue; // DTX: the sender pauses for 2 s without a sequence gap
  const s = seq;
  seq = (seq + 1) & 0xffff;
  if (random() < 0.01) continue; // lost
  if (burstUntil < k && random() < 0.01) {
    burstUntil = k + 3 + Math.floor(random() * 5);
    burstDelay = 20000 + random() * 40000;
  }
  const jitter = random() * 3000 + (k <= burstUntil ? burstDelay * (1 - (burstUntil - k) / 10) : 0);
  rows.push(`${Math.round(sendUs + 5000 + jitter)},${s},${(k * 960) >>> 0},160`);
}
const header = rows.shift();
rows.sort((a, b) => Number(a.split(',')[0]) - Number(b.split(',')[0]));
writeFileSync(new URL('../assets/traces/synthetic_wifi_jitter.csv', import.meta.url), [header, ...rows].join('\n') + '\n');
