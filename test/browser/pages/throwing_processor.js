// A stand-in for a processor that cannot build its engine: its constructor
// throws, which Chromium reports on the node as 'processorerror'.
class ThrowingProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    throw new Error('engine refused to start (test processor)');
  }
  process() {
    return false;
  }
}
registerProcessor('jitterlane', ThrowingProcessor);
