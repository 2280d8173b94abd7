// jitterlane/group: many streams in one AudioWorklet (a group call, an agent
// with a second voice), and the takeover of every audio receiver of a call.

export { JitterlaneGroupNode } from './group_node.js';
export { GroupStream } from './group_stream.js';
export { CallTakeover } from './call_takeover.js';
export type { GroupNodeOptions, GroupStreamOptions, GroupInboundStats, GroupPlayoutStats, GroupStats } from './group_node.js';
export type { CallTakeoverOptions, TakenReceiver } from './call_takeover.js';
export type { GroupPlayoutFigures } from './group_messages.js';
