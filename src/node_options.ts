// JitterlaneNode.create's options, checked on the main thread before anything
// reaches the worklet. A processor that cannot build its engine can only fail
// on the audio thread, where the app sees at best a 'processorerror'; so every
// option the engine would refuse is refused here first, with a message that
// names the option, what it got and what it accepts.

import { JitterlaneError, validateProfile, type ProfileName, type ProfileRecord } from './engine/index.js';
import { RING_MAX_CAPACITY_BYTES, RING_MIN_CAPACITY_BYTES } from './transport/index.js';
import type { PayloadTypeOptions } from './rtp/payload_type_rule.js';

/** Codecs a JitterlaneNode plays ('host' needs a HostCodec on the audio thread, which no option can carry). */
export const NODE_CODECS = ['opus', 'PCMU', 'PCMA', 'L16', 'PCM16LE', 'F32LE'] as const;
export type NodeCodec = (typeof NODE_CODECS)[number];

/** Every option JitterlaneNode.create takes; anything else is a typo the app should hear about. */
export const NODE_OPTION_NAMES = [
  'codec', 'channels', 'clockRate', 'payloadRate', 'profile', 'transport', 'ringBytes',
  'processorUrl', 'wasmUrl', 'opusWasmUrl', 'slots', 'slotBytes', 'replay', 'flightRecorderBytes',
  'payloadType', 'telephoneEventPayloadType',
] as const;

const TRANSPORTS = ['auto', 'shared-ring', 'port'] as const;

/** G.711's RTP clock (RFC 3551 §4.5.14): PCMU and PCMA carry one byte per 8 kHz sample. */
const G711_CLOCK_RATE = 8000;
/** Opus's RTP clock is always 48 kHz, whatever the audio bandwidth (RFC 7587 §4.1). */
const OPUS_CLOCK_RATE = 48000;
/** RTP clocks the engine takes (assembly/index.ts create: 1000..192000 Hz). */
const MIN_CLOCK_RATE = 1000;
const MAX_CLOCK_RATE = 192000;
/**
 * PCM payload rates the engine plays: its 48 kHz output divided by an upsampling factor it
 * implements (assembly/dsp/upsample.ts: 1, 2, 3, 6). 44.1 kHz PCM needs resampling first.
 */
export const PCM_PAYLOAD_RATES = [48000, 24000, 16000, 8000] as const;
/** The flight recorder's largest store: 256 MiB, an hour of an Opus call with room. */
const MAX_FLIGHT_RECORDER_BYTES = 256 * 1024 * 1024;
/** Packet slots and slot size the engine reserves at most (assembly/index.ts create). */
const MAX_SLOTS = 4096;
const MAX_SLOT_BYTES = 1 << 20;

/** The options after checking, with the defaults filled in. */
export interface CheckedNodeOptions {
  codec: NodeCodec;
  channels: 1 | 2;
  clockRate: number;
  payloadRate: number;
  profile: ProfileName | ProfileRecord;
  transport: 'auto' | 'shared-ring' | 'port';
  ringBytes: number;
  slots: number | undefined;
  slotBytes: number | undefined;
  /** 0: no flight recorder. */
  flightRecorderBytes: number;
  /** The payload-type rule of push() (src/rtp/payload_type_rule.ts). */
  payloadTypes: PayloadTypeOptions;
}

const quote = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${typeof value} ${String(value)}`;
}

/** Levenshtein distance, for "did you mean" on misspelt names (short strings only). */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length];
}

/** The accepted name closest to `given` (by case first, then within two edits), or null. */
function closest(given: string, accepted: readonly string[]): string | null {
  const byCase = accepted.find((name) => name.toLowerCase() === given.toLowerCase());
  if (byCase) return byCase;
  let best: string | null = null;
  let bestDistance = 3;
  for (const name of accepted) {
    const distance = editDistance(given.toLowerCase(), name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

function fail(option: string, got: unknown, accepted: string): never {
  throw new JitterlaneError(`JitterlaneNode.create: option ${option} ${accepted}, got ${describe(got)}`);
}

function checkCodec(codec: unknown): NodeCodec {
  if (codec === undefined) return 'PCM16LE';
  if (typeof codec === 'string' && (NODE_CODECS as readonly string[]).includes(codec)) return codec as NodeCodec;
  let hint = '';
  if (typeof codec === 'string') {
    const name = codec.toLowerCase().replace(/[^a-z0-9]/g, '');
    if (name === 'g711') hint = " (G.711 is 'PCMU' for μ-law or 'PCMA' for A-law)";
    else if (name === 'host') hint = ' (a host codec needs a HostCodec on the audio thread: use the engine directly)';
    else if (name === 'g722') hint = ' (G.722 is not decoded by jitterlane)';
    else {
      const near = closest(codec, NODE_CODECS);
      if (near) hint = ` (did you mean '${near}'? codec names are case-sensitive)`;
    }
  }
  return fail('codec', codec, `must be one of ${quote(NODE_CODECS)}${hint}`);
}

function checkInteger(option: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(option, value, `must be an integer ${min}..${max}`);
  return value;
}

function checkClockRate(codec: NodeCodec, clockRate: unknown): number {
  if (codec === 'PCMU' || codec === 'PCMA') {
    if (clockRate !== undefined && clockRate !== G711_CLOCK_RATE) fail('clockRate', clockRate, `must be ${G711_CLOCK_RATE} for ${codec} (G.711's RTP clock, RFC 3551)`);
    return G711_CLOCK_RATE;
  }
  if (codec === 'opus') {
    if (clockRate !== undefined && clockRate !== OPUS_CLOCK_RATE) fail('clockRate', clockRate, `must be ${OPUS_CLOCK_RATE} for opus (Opus's RTP clock, RFC 7587)`);
    return OPUS_CLOCK_RATE;
  }
  return clockRate === undefined ? OPUS_CLOCK_RATE : checkInteger('clockRate', clockRate, MIN_CLOCK_RATE, MAX_CLOCK_RATE);
}

function checkPayloadRate(codec: NodeCodec, payloadRate: unknown, clockRate: number): number {
  if (codec === 'PCMU' || codec === 'PCMA' || codec === 'opus') {
    if (payloadRate !== undefined && payloadRate !== clockRate) fail('payloadRate', payloadRate, `applies to PCM codecs only; for ${codec} leave it out (it is ${clockRate})`);
    return clockRate;
  }
  const rate = payloadRate ?? clockRate;
  if (!(PCM_PAYLOAD_RATES as readonly unknown[]).includes(rate)) {
    const which = payloadRate === undefined ? 'payloadRate (default: clockRate)' : 'payloadRate';
    fail(which, rate, `must be one of ${PCM_PAYLOAD_RATES.join(', ')} Hz for ${codec} (48 kHz divided by 1, 2, 3 or 6; resample 44.1 kHz audio before sending it)`);
  }
  return rate as number;
}

function checkProfile(profile: unknown): ProfileName | ProfileRecord {
  if (profile === undefined) return 'classic';
  if (profile === 'l4s' || profile === 'classic') return profile;
  if (typeof profile === 'string') {
    const near = closest(profile, ['l4s', 'classic']);
    return fail('profile', profile, `must be 'l4s', 'classic' or a profile record${near ? ` (did you mean '${near}'? profile names are lower case)` : ''}`);
  }
  if (profile === null || typeof profile !== 'object') return fail('profile', profile, "must be 'l4s', 'classic' or a profile record");
  return validateProfile(profile, 'JitterlaneNode.create: option profile');
}

function checkUrl(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'string' && !(typeof URL === 'function' && value instanceof URL)) fail(option, value, 'must be a string or a URL');
}

/**
 * Checks JitterlaneNode.create's options and fills in the defaults. Throws a
 * JitterlaneError naming the option, the value and what is accepted: unknown
 * option names (with the nearest known one), codec names in the wrong case,
 * clock and payload rates the codec or the engine cannot take, unknown
 * profiles and transports, sizes out of range.
 */
export function checkNodeOptions(options: unknown): CheckedNodeOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new JitterlaneError(`JitterlaneNode.create: options must be an object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  const o = options as Record<string, unknown>;
  for (const name of Object.keys(o)) {
    if ((NODE_OPTION_NAMES as readonly string[]).includes(name)) continue;
    const near = closest(name, NODE_OPTION_NAMES);
    throw new JitterlaneError(`JitterlaneNode.create: unknown option ${JSON.stringify(name)}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}; the options are ${NODE_OPTION_NAMES.join(', ')}`);
  }
  const codec = checkCodec(o.codec);
  const channels = o.channels ?? 1;
  if (channels !== 1 && channels !== 2) fail('channels', channels, 'must be 1 or 2');
  const clockRate = checkClockRate(codec, o.clockRate);
  const payloadRate = checkPayloadRate(codec, o.payloadRate, clockRate);
  const profile = checkProfile(o.profile);
  const transport = o.transport ?? 'auto';
  if (!(TRANSPORTS as readonly unknown[]).includes(transport)) fail('transport', transport, `must be one of ${quote(TRANSPORTS)}`);
  const ringBytes = o.ringBytes === undefined ? 256 * 1024 : checkInteger('ringBytes', o.ringBytes, RING_MIN_CAPACITY_BYTES, RING_MAX_CAPACITY_BYTES);
  const slots = o.slots === undefined ? undefined : checkInteger('slots', o.slots, 1, MAX_SLOTS);
  const slotBytes = o.slotBytes === undefined ? undefined : checkInteger('slotBytes', o.slotBytes, 1, MAX_SLOT_BYTES);
  checkUrl('processorUrl', o.processorUrl);
  checkUrl('wasmUrl', o.wasmUrl);
  checkUrl('opusWasmUrl', o.opusWasmUrl);
  if (o.replay !== undefined && (o.replay === null || typeof o.replay !== 'object')) fail('replay', o.replay, 'must be a replay recording record (for tools)');
  const flightRecorderBytes = o.flightRecorderBytes === undefined ? 0 : checkInteger('flightRecorderBytes', o.flightRecorderBytes, 0, MAX_FLIGHT_RECORDER_BYTES);
  // RTP payload types are 7 bits (RFC 3550 §5.1).
  const payloadType = o.payloadType === undefined ? undefined : checkInteger('payloadType', o.payloadType, 0, 127);
  const telephoneEventPayloadType = o.telephoneEventPayloadType === undefined ? undefined : checkInteger('telephoneEventPayloadType', o.telephoneEventPayloadType, 0, 127);
  const payloadTypes = { payloadType, telephoneEventPayloadType };
  return { codec, channels: channels as 1 | 2, clockRate, payloadRate, profile, transport: transport as CheckedNodeOptions['transport'], ringBytes, slots, slotBytes, flightRecorderBytes, payloadTypes };
}

