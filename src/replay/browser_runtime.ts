// `jitterlane replay TRACE --runtime browser`: the replay runs inside headless
// Chromium — the real AudioWorklet, the real transport (the shared ring of a
// cross-origin isolated page), rendered offline — and reports the same
// figures as the Node replay. Packets carry their exact arrival frames and the
// worklet inserts each when the audio clock passes it, so the output bytes are
// the Node replay's.

import { packageRoot } from '../engine/build_files.js';
import { decodeEvents, statsFromBlock, type ProfileName, type ProfileRecord } from '../engine/index.js';
import type { Trace } from '../trace/types.js';
import { launchChromium, type ChromiumLaunchOptions } from './chromium.js';
import { startStaticServer } from './static_server.js';
import { profileLabel, timelineEveryQuanta } from './driver.js';
import { CN_PAYLOAD_TYPE } from '../rtp/comfort_noise.js';
import { isInserted, payloadOf, prepareReplay, ReplayRecorder, SAMPLE_RATE, type AudioSource, type ReplacementCodec } from './prepared.js';
import { speechSample } from './replacement_audio.js';
import type { ReplayResult, TimelinePoint } from './types.js';

interface PageResult {
  sha256: string;
  stopFrame: number;
  wallMs: number;
  events: number[];
  eventCount: number;
  timeline: number[];
  stats: number[];
}

/**
 * Replays `trace` in headless Chromium. Needs playwright-core, a Chromium (`chromium` options, else
 * $JITTERLANE_CHROMIUM and $JITTERLANE_CHROMIUM_FLAGS, else the first on PATH: src/replay/chromium.ts) and a build (npm run build).
 */
export async function replayInBrowser(
  trace: Trace,
  options: { profile?: ProfileName | ProfileRecord; audio?: AudioSource; replacement?: ReplacementCodec; transport?: 'shared-ring' | 'port'; chromium?: ChromiumLaunchOptions } = {},
): Promise<ReplayResult> {
  const transport = options.transport ?? 'shared-ring';
  const profile = options.profile ?? 'classic';
  const prepared = prepareReplay(trace, options.audio ?? 'auto', options.replacement ?? 'opus');
  // PCM replacement is cut from the speech sample in the page; Opus packets are encoded here.
  const pcmInPage = prepared.codec === 'PCM16LE' && prepared.packets.some((p) => p.payload === null);
  const job = {
    codec: prepared.codec,
    clockRate: prepared.clockRate,
    payloadRate: prepared.payloadRate,
    slotBytes: prepared.slotBytes,
    packetFrames: prepared.packetFrames,
    endLimitFrames: prepared.endLimitFrames,
    profile,
    transport,
    // Room for every packet's fate events plus several operations per packet.
    maxEvents: prepared.packets.length * 8 + 4096,
    timelineEveryQuanta: timelineEveryQuanta(10, 128),
    speech: pcmInPage ? Buffer.from(speechSample().buffer, speechSample().byteOffset, speechSample().byteLength).toString('base64') : null,
    // What the Node replay inserts (telephone-events and foreign payloads never reach the engine), with the marker bit and, for comfort noise, PT 13.
    packets: prepared.packets.filter(isInserted).map((p) => ({
      sequenceNumber: p.sequenceNumber,
      timestamp: p.timestamp,
      arrivalFrame: p.arrivalFrame,
      marker: p.marker,
      payloadType: p.kind === 'comfort-noise' ? CN_PAYLOAD_TYPE : undefined,
      replacementStart: p.replacementStart,
      payload: pcmInPage && p.payload === null ? null : Buffer.from(payloadOf(prepared, p)).toString('base64'),
    })),
  };

  const { server, origin } = await startStaticServer(packageRoot());
  const browser = await launchChromium(options.chromium);
  try {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // The shared ring needs a cross-origin isolated page; the port path runs on a plain one.
    await page.goto(`${origin}${transport === 'shared-ring' ? '/isolated' : ''}/assets/browser/replay.html`);
    await page.waitForFunction(() => (window as unknown as { pageReady?: boolean }).pageReady === true, undefined, { timeout: 30_000 });
    const result = (await page.evaluate((j) => (window as unknown as { replayInPage: (job: unknown) => Promise<unknown> }).replayInPage(j), job)) as PageResult;
    if (errors.length) throw new Error(`browser replay: ${errors.join('; ')}`);

    const recorder = new ReplayRecorder(prepared);
    for (const p of prepared.packets) if (isInserted(p) && p.arrivalFrame <= result.stopFrame) recorder.arrived(p);
    recorder.apply(decodeEvents(Float64Array.from(result.events), result.eventCount));
    const label = profileLabel(profile);
    const timeline: TimelinePoint[] = [];
    for (let i = 0; i < result.timeline.length; i += 4) {
      timeline.push({ timeMs: result.timeline[i], bufferMs: result.timeline[i + 1], targetMs: result.timeline[i + 2], delayMs: result.timeline[i + 3], profile: label });
    }
    return recorder.result({
      profile: label,
      stats: statsFromBlock(result.stats),
      timeline,
      profileChanges: [],
      outputSha256: result.sha256,
      audioSeconds: result.stopFrame / SAMPLE_RATE,
      wallSeconds: result.wallMs / 1000,
      timeInProfileMs: { [label]: (result.stopFrame * 1000) / SAMPLE_RATE },
    });
  } finally {
    await browser.close();
    server.close();
  }
}
