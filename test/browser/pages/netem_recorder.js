// AudioWorklet recorder for the live comparison: for each input (the speech
// sent, and each player's output, all in one AudioContext so on one clock) it
// keeps the RMS envelope in 1 ms bins, preallocated for the whole recording,
// and the sum of squares for the level. The end-to-end delay is found in Node
// by cross-correlating these envelopes (src/netem/audio_delay.ts): envelopes
// rather than samples because Opus does not keep the waveform sample for
// sample, and 1 ms bins keep 120 s of five signals small enough to hand back.
class EnvelopeRecorder extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { seconds, binFrames } = options.processorOptions;
    this.binFrames = binFrames;
    this.bins = Math.ceil((seconds * sampleRate) / binFrames);
    this.inputs = options.numberOfInputs;
    this.envelopes = Array.from({ length: this.inputs }, () => new Float32Array(this.bins));
    this.sums = new Float64Array(this.inputs);
    this.totals = new Float64Array(this.inputs);
    this.recording = false;
    this.bin = 0;
    this.inBin = 0;
    this.port.onmessage = (event) => {
      if (event.data === 'start') {
        this.recording = true;
        this.port.postMessage({ type: 'started', frame: currentFrame });
      } else if (event.data === 'stop') {
        this.recording = false;
        const envelopes = this.envelopes.map((e) => e.slice(0, this.bin));
        const frames = this.bin * this.binFrames;
        const rms = Array.from(this.totals, (total) => Math.sqrt(total / Math.max(1, frames)));
        this.port.postMessage({ type: 'stopped', envelopes, rms, frames }, envelopes.map((e) => e.buffer));
      }
    };
  }

  process(inputs) {
    if (!this.recording || this.bin >= this.bins) return true;
    const frames = 128;
    for (let i = 0; i < frames; i++) {
      for (let k = 0; k < this.inputs; k++) {
        const channel = inputs[k][0];
        const v = channel ? channel[i] : 0;
        this.sums[k] += v * v;
      }
      if (++this.inBin === this.binFrames) {
        for (let k = 0; k < this.inputs; k++) {
          this.envelopes[k][this.bin] = Math.sqrt(this.sums[k] / this.binFrames);
          this.totals[k] += this.sums[k];
          this.sums[k] = 0;
        }
        this.inBin = 0;
        if (++this.bin >= this.bins) break;
      }
    }
    return true;
  }
}
registerProcessor('netem-envelope-recorder', EnvelopeRecorder);
