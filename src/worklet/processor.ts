// Entry of the worklet bundle dist/worklet/jitterlane-processor.js: the
// product processor, registered as 'jitterlane'. No replay code is in it
// (the replay tool has its own bundle: src/replay/replay_processor.ts).

import { JitterlaneProcessor, registerJitterlaneProcessor } from './jitterlane_processor.js';

registerJitterlaneProcessor(JitterlaneProcessor);
