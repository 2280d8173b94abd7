// The engine's JavaScript face, shared by Node and the AudioWorklet: the
// module and its engine handles, the contract with the wasm (assembly/abi.ts)
// and the one check of every profile and packet at the API edge. It imports
// nothing from Node or the browser; the Node loader is ./node_loader.js.

export { EngineModule } from './module.js';
export { Engine, insertFlags } from './engine.js';
export { MixPlanes } from './mix_planes.js';
export { JitterlaneError } from './errors.js';
export { BUILT_IN_PROFILES, validateProfile, type CompleteProfileRecord } from './profile.js';
export { checkPacketFields, checkPayload } from './packet_fields.js';
export { decodeEvents, statsFromBlock } from './blocks.js';
export { STAT_INDEX, STAT_NAMES, EVENT_KINDS, PROFILE_FIELDS, QUIET_STRETCH_FLAG, checkEngineExports, type StatName, type ProfileFieldName } from './contract.js';
export type {
  CodecName, ProfileName, ProfileRecord, EngineStats, EngineOptions, PacketInfo, InsertResult, EngineEvent, EngineEventKind,
  EngineExports, ExtraImports,
} from './types.js';
export type { EngineHeap, HostCodec } from '../codecs/host_codec.js';
