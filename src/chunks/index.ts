// jitterlane/chunks: playing AI-voice audio that comes in chunks, not RTP.
export { JitterlaneChunkNode, type ChunkNodeOptions } from './chunk_node.js';
export type { ChunkNodeStats } from './chunk_messages.js';
export { ChunkPlayer, type ChunkPlayerOptions, type ChunkEvent, type ResponseStats } from './chunk_player.js';
export { feedChunksFromWebSocket, handleChunkMessage, base64Bytes, type ChunkMessageShape, type ChunkSink } from './chunk_feeds.js';
export { CHUNK_ENCODINGS, CHUNK_RATES, type ChunkEncoding } from './chunk_format.js';
