// A stand-in for a processor that starts but reports an error instead of
// 'ready' (the message JitterlaneProcessor posts when a command fails).
class ErrorMessageProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.port.postMessage({ type: 'error', message: 'libopus refused the decoder (test processor)' });
  }
  process() {
    return true;
  }
}
registerProcessor('jitterlane', ErrorMessageProcessor);
