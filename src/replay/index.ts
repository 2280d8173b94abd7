// Node-side replay of captured traces through the engine (jitterlane/replay).

export { replay } from './driver.js';
export type { ReplacementCodec } from './opus_replacement.js';
export type { ReplayOptions, ReplayOutput, AudioSource, ProfileChange } from './driver.js';
export { computeMetrics, qualityCost } from './metrics.js';
export { bufferConcealmentRatio, qualityFigures, referenceBound, REFERENCE_COSTS } from './quality.js';
export type { QualityFigures } from './quality.js';
export { fixedOracle, windowOracle } from './oracle.js';
export { timelineSvg } from './timeline_svg.js';
export { writeReplayOutputs } from './outputs.js';
export { compareTraces, formatComparison } from './compare.js';
export { traceFiles, defaultTraceDir } from './trace_set.js';
export { loadEngineModule, loadLibOpus, sharedLibOpus, wasmPath } from '../engine/node_loader.js';
export type { Metrics, ReplayResult, PacketRecord, EngineStats, TimelinePoint, OperationEvent } from './types.js';
export { replayInBrowser } from './browser_runtime.js';
export { prepareReplay, ReplayRecorder } from './prepared.js';
export type { PreparedReplay, PreparedPacket } from './prepared.js';
