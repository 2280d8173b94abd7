// jitterlane's public entry: the engine, usable in Node and in an AudioWorklet
// (it imports nothing from either). Node-only tools are in 'jitterlane/replay'
// and 'jitterlane/trace'.

export { EngineModule, Engine, JitterlaneError, BUILT_IN_PROFILES } from './engine.js';
export type {
  CodecName, ProfileName, ProfileRecord, HostCodec, EngineOptions, PacketInfo, InsertResult,
  EngineEvent, EngineEventKind, EngineExports, ExtraImports,
} from './engine.js';
export type { EngineStats } from './replay/types.js';
