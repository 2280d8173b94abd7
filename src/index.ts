// jitterlane's public entry: the engine, usable in Node and in an AudioWorklet
// (it imports nothing from either). Node-only tools are in 'jitterlane/replay'
// and 'jitterlane/trace'.

export { EngineModule, Engine, JitterlaneError, BUILT_IN_PROFILES } from './engine/index.js';
export type {
  CodecName, ProfileName, ProfileRecord, HostCodec, EngineHeap, EngineOptions, PacketInfo, InsertResult,
  EngineEvent, EngineEventKind, EngineExports, ExtraImports, EngineStats,
} from './engine/index.js';
export { LibOpus, LibOpusDecoder, LibOpusEncoder } from './codecs/libopus.js';
export type { OpusEncoderOptions } from './codecs/libopus.js';
export { opusPacketSamples, opusFecSamples, opusFrameSamples } from './codecs/opus_packet.js';
