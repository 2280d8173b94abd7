// One live comparison run: a relayed Opus call in headless Chromium
// (test/browser/pages/versus_neteq.html) whose sender→receiver RTP takes a
// network schedule's delays and losses in the relay, taken over by
// jitterlane with passThrough so NetEq plays the very same frames, and the
// figures of every player from webrtc-stats and from the recorded audio.
// Node only (playwright-core, node:dgram).

import { loadavg } from 'node:os';
import type { BrowserContext, Page } from 'playwright-core';
import type { ChromiumLaunchOptions } from '../replay/chromium.js';
import { replayFlight } from '../flight/replay.js';
import type { OperationArtefacts } from '../replay/artefacts.js';
import { envelopeDelay, type EnvelopeDelay } from './audio_delay.js';
import type { NetworkSchedule } from './network_schedule.js';
import { UdpRelay, type RelayStats } from './udp_relay.js';

/**
 * What a page needs from Chromium to join a relayed call: loopback host
 * candidates with their real addresses (see sdp_candidates.ts for why both).
 */
export const RELAYED_CALL_BROWSER: ChromiumLaunchOptions = {
  extraArgs: ['--allow-loopback-in-peer-connection'],
  permissions: ['microphone'],
};

/** The comparison page; under /isolated/ it is cross-origin isolated and jitterlane takes its shared ring. */
const PAGE = 'test/browser/pages/versus_neteq.html';

/** Options of one run. */
export interface LiveRunOptions {
  /** Measured span, s (after the warm-up). */
  seconds: number;
  /** After the first frame, before measuring: ICE, DTLS and the encoder's start, and each buffer's first adaptation. */
  warmupSeconds?: number;
  /** One stream per profile, each with its own NetEq twin. */
  profiles: ('l4s' | 'classic')[];
  /** Keep the page's main thread busy (a 20 ms task every 50 ms). */
  busy?: boolean;
  /** Serve the page cross-origin isolated, so packets reach the worklet through the shared ring instead of the port. */
  isolated?: boolean;
  /**
   * Record each jitterlane node's engine calls (flight recorder bytes; 0, the
   * default, records nothing). A recording is replayed in Node for the
   * artefacts a listener heard (PlayerFigures.artefacts) and returned.
   */
  flightRecorderBytes?: number;
  /** The relay's paced release (UdpRelayOptions.paceMs): absorbs the sending browser's own timing jitter; absent: none. */
  paceMs?: number;
  /** Prefer RED-wrapped Opus (audio/red, RFC 2198): each packet also carries a copy of the frame before it. */
  red?: boolean;
}

/** One player's figures over the measured span. */
export interface PlayerFigures {
  player: string;
  /** The stream (named by the jitterlane profile it carries) whose frames it played. */
  stream: string;
  /** Δ concealedSamples over the samples of the span (48 kHz), %. */
  concealedPercent: number;
  concealmentEventsPerMinute: number;
  /** Δ (insertedSamplesForDeceleration + removedSamplesForAcceleration) as ms of audio per minute: what time-stretching changed, for any player. */
  stretchedMsPerMinute: number;
  /**
   * jitterlane with a flight recording only: concealment episodes and
   * time-stretch operations per minute over the measured span, from the
   * recording's replay (NetEq's stats count neither stretch operations nor
   * episodes); null otherwise.
   */
  artefacts: OperationArtefacts | null;
  /** jitterlane with a flight recording: whether its replay reproduced the live output (fingerprint); null otherwise. */
  flightMatches: boolean | null;
  /** webrtc-stats Δ jitterBufferDelay / Δ jitterBufferEmittedCount, ms. */
  bufferDelayMs: number;
  /** Δ jitterBufferTargetDelay / Δ jitterBufferEmittedCount, ms. */
  targetDelayMs: number;
  /** METRICS.md cost: added latency (buffer delay + the schedule's mean delay above its fastest packet) + 20 ms per 1 % concealed. */
  cost: number;
  /** From the recorded audio: median end-to-end delay behind the sent speech (null when nothing correlated). */
  endToEnd: EnvelopeDelay | null;
  /** Output level against the sent speech, dB. */
  levelDb: number;
  fecPacketsReceived: number;
  /** jitterlane only: lost packets recovered from in-band FEC. */
  fecRecovered: number | null;
  packetsReceived: number;
}

/** A run's result: the players' figures, the relay's counters, the machine's load. */
export interface LiveComparison {
  schedule: { name: string; meanDelayMs: number; lossPercent: number; packets: number };
  /** The relay's paced release, ms added to every packet (0: released from reception). */
  paceMs: number;
  seconds: number;
  busy: boolean;
  /** The call preferred RED-wrapped Opus (LiveRunOptions.red). */
  red: boolean;
  /** os.loadavg() (1, 5, 15 min) at the start and end of the run. */
  loadBefore: number[];
  loadAfter: number[];
  outputLatencyMs: number;
  baseLatencyMs: number;
  transport: string;
  players: PlayerFigures[];
  relay: RelayStats;
  /** Each jitterlane stream's flight recording by profile, when asked for (replay with `jitterlane flight`). */
  flightRecordings?: Record<string, Uint8Array>;
}

type Counters = Record<string, number> & { jitterlane: Record<string, number> | null };
interface StreamResult {
  profile: string;
  before: { neteq: Counters | null; jitterlane: Counters; frames: number };
  after: { neteq: Counters | null; jitterlane: Counters; frames: number };
  /** The node's flight file, base64, when recorded. */
  flight: string | null;
}
interface PageResult {
  wallSeconds: number;
  audioSeconds: number;
  outputLatency: number;
  baseLatency: number;
  transport: string;
  envelopes: string[];
  rms: number[];
  streams: StreamResult[];
}

function floats(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function figuresOf(
  player: string,
  stream: string,
  before: Counters,
  after: Counters,
  span: { seconds: number; meanDelayMs: number },
  audio: { sent: Float32Array; played: Float32Array; levelDb: number },
): PlayerFigures {
  const delta = (key: string) => (after[key] ?? 0) - (before[key] ?? 0);
  const concealedPercent = (100 * delta('concealedSamples')) / (span.seconds * 48000);
  const emitted = delta('jitterBufferEmittedCount');
  const bufferDelayMs = emitted > 0 ? (1000 * delta('jitterBufferDelay')) / emitted : NaN;
  const fecRecovered = after.jitterlane && before.jitterlane ? after.jitterlane.fecRecovered - before.jitterlane.fecRecovered : null;
  return {
    player,
    stream,
    concealedPercent,
    concealmentEventsPerMinute: delta('concealmentEvents') / (span.seconds / 60),
    stretchedMsPerMinute: (1000 * (delta('insertedSamplesForDeceleration') + delta('removedSamplesForAcceleration'))) / 48000 / (span.seconds / 60),
    artefacts: null,
    flightMatches: null,
    bufferDelayMs,
    targetDelayMs: emitted > 0 ? (1000 * delta('jitterBufferTargetDelay')) / emitted : NaN,
    cost: bufferDelayMs + span.meanDelayMs + 20 * concealedPercent,
    endToEnd: envelopeDelay(audio.sent, audio.played),
    levelDb: audio.levelDb,
    fecPacketsReceived: delta('fecPacketsReceived'),
    fecRecovered,
    packetsReceived: delta('packetsReceived'),
  };
}

/**
 * Opens `url` in a new page of `context` with window.netemPeers wired to
 * `relay` (the page reports each peer's real loopback port through it, see
 * test/browser/pages/netem_call.js) and waits for window.pageReady.
 */
export async function openRelayedPage(context: BrowserContext, url: string, relay: UdpRelay): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
  const loopback = (port: number | undefined) => (port === undefined ? undefined : { address: '127.0.0.1', port });
  await page.exposeFunction('netemPeers', (peers: { a?: number; b?: number }) => relay.setPeers({ a: loopback(peers.a), b: loopback(peers.b) }));
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { pageReady?: boolean }).pageReady === true);
  return page;
}

/**
 * Runs one relayed call with `schedule` on the sender→receiver RTP and returns
 * every player's figures. `context` must come from launchChromium(RELAYED_CALL_BROWSER);
 * `origin` serves the repository.
 */
export async function compareLive(context: BrowserContext, origin: string, schedule: NetworkSchedule, options: LiveRunOptions): Promise<LiveComparison> {
  const warmupSeconds = options.warmupSeconds ?? 3;
  const relay = await UdpRelay.start({ schedule, direction: 'a-to-b', maxSeconds: options.seconds + warmupSeconds + 60, paceMs: options.paceMs });
  const loadBefore = loadavg();
  let page: Page | undefined;
  try {
    page = await openRelayedPage(context, `${origin}/${options.isolated ? 'isolated/' : ''}${PAGE}`, relay);
    const result = await page.evaluate(
      (o) => (window as unknown as { compare: (o: unknown) => Promise<PageResult> }).compare(o),
      { relay: { a: relay.addressA.port, b: relay.addressB.port }, seconds: options.seconds, warmupSeconds, profiles: options.profiles, busy: options.busy === true, red: options.red === true, flightRecorderBytes: options.flightRecorderBytes ?? 0 },
    );
    const envelopes = result.envelopes.map(floats);
    const sent = envelopes[0];
    const level = (k: number) => 20 * Math.log10(result.rms[k] / result.rms[0]);
    const span = { seconds: result.audioSeconds, meanDelayMs: schedule.meanDelayMs };
    const players: PlayerFigures[] = [];
    const flights: Record<string, Uint8Array> = {};
    result.streams.forEach((stream, i) => {
      const neteqAt = 1 + 2 * i;
      if (stream.before.neteq && stream.after.neteq) {
        players.push(figuresOf('NetEq', stream.profile, stream.before.neteq, stream.after.neteq, span, { sent, played: envelopes[neteqAt], levelDb: level(neteqAt) }));
      }
      const ours = figuresOf(`jitterlane ${stream.profile}`, stream.profile, stream.before.jitterlane, stream.after.jitterlane, span, { sent, played: envelopes[neteqAt + 1], levelDb: level(neteqAt + 1) });
      if (stream.flight) {
        flights[stream.profile] = new Uint8Array(Buffer.from(stream.flight, 'base64'));
        // The same span as the counters: the engine's output clock at the two getStats() readings.
        const counted = { fromFrame: stream.before.jitterlane.jitterlane!.nowFrames, toFrame: stream.after.jitterlane.jitterlane!.nowFrames };
        const replay = replayFlight(flights[stream.profile]!, { span: counted });
        ours.artefacts = replay.artefacts;
        ours.flightMatches = replay.matches;
      }
      players.push(ours);
    });
    return {
      schedule: { name: schedule.name, meanDelayMs: schedule.meanDelayMs, lossPercent: schedule.lossPercent, packets: schedule.delaysMs.length },
      paceMs: options.paceMs ?? 0,
      seconds: result.audioSeconds,
      busy: options.busy === true,
      red: options.red === true,
      loadBefore,
      loadAfter: loadavg(),
      outputLatencyMs: result.outputLatency * 1000,
      baseLatencyMs: result.baseLatency * 1000,
      transport: result.transport,
      players,
      relay: await relay.close(),
      ...(Object.keys(flights).length > 0 ? { flightRecordings: flights } : {}),
    };
  } finally {
    await page?.close();
    await relay.close();
  }
}
