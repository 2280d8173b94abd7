// Entry of the worklet bundle dist/worklet/jitterlane-group-processor.js: the
// group processor, registered as 'jitterlane-group'.

import { JitterlaneGroupProcessor } from './group_processor.js';

declare function registerProcessor(name: string, processor: unknown): void;

registerProcessor('jitterlane-group', JitterlaneGroupProcessor);
