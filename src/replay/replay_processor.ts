// The trace replay's AudioWorkletProcessor (`jitterlane replay --runtime
// browser`): the product processor, plus a recording of what the Node driver
// records — the engine's events, timeline points, and the stats at the point
// where the driver would stop (./stopping.ts). It is the entry of its own
// bundle, dist/worklet/jitterlane-replay-processor.js, which JitterlaneNode
// loads for a node created with the `replay` option; the product bundle
// carries none of this.

import { EVENT_FIELDS, SAMPLE_RATE, STAT_BUFFERED_MS, STAT_CURRENT_DELAY_MS, STAT_NOW_FRAMES, STAT_TARGET_DELAY_MS } from '../engine/contract.js';
import { JitterlaneError, type Engine } from '../engine/index.js';
import { JitterlaneProcessor, registerJitterlaneProcessor } from '../worklet/jitterlane_processor.js';
import type { MainToProcessor, ProcessorOptions, ReplayRecording, ReplayRecordingResult } from '../worklet/messages.js';
import { replayStopsHere } from './stopping.js';

/** Values per timeline point: time, buffer, target and delay, ms. */
const TIMELINE_FIELDS = 4;

/**
 * A worklet replay's recording: the engine's events, timeline points and the
 * point where the Node driver would stop (every packet in, buffer drained, or
 * the tail limit), with the stats at that point. Reserved at construction;
 * afterQuantum() allocates nothing.
 */
class Recording {
  private readonly options: ReplayRecording;
  private readonly engine: Engine;
  private readonly events: Float64Array;
  private eventCount = 0;
  private readonly timeline: Float64Array;
  private timelineCount = 0;
  private readonly stats: Float64Array;
  private stopFrame = -1;
  private quanta = 0;

  constructor(options: ReplayRecording, engine: Engine) {
    this.options = options;
    this.engine = engine;
    engine.setEventLog(true);
    this.events = new Float64Array(options.maxEvents * EVENT_FIELDS);
    this.timeline = new Float64Array(options.maxTimelinePoints * TIMELINE_FIELDS);
    this.stats = new Float64Array(engine.statsView.length);
  }

  afterQuantum(allInserted: boolean, frames: number): void {
    if (this.stopFrame >= 0) return;
    this.eventCount += this.engine.drainEventsInto(this.events, this.eventCount);
    const s = this.engine.statsView;
    this.quanta++;
    if (this.quanta % this.options.timelineEveryQuanta === 0 && this.timelineCount < this.options.maxTimelinePoints) {
      const at = this.timelineCount++ * TIMELINE_FIELDS;
      this.timeline[at] = (s[STAT_NOW_FRAMES] * 1000) / SAMPLE_RATE;
      this.timeline[at + 1] = s[STAT_BUFFERED_MS];
      this.timeline[at + 2] = s[STAT_TARGET_DELAY_MS];
      this.timeline[at + 3] = s[STAT_CURRENT_DELAY_MS];
    }
    if (replayStopsHere(s, allInserted, frames, this.options.endLimitFrames, SAMPLE_RATE)) {
      this.stopFrame = s[STAT_NOW_FRAMES];
      this.stats.set(s);
    }
  }

  /** What was recorded, for the 'replay-result' reply. */
  result(): ReplayRecordingResult {
    return { events: this.events, eventCount: this.eventCount, timeline: this.timeline, timelineCount: this.timelineCount, stopFrame: this.stopFrame, stats: this.stats };
  }
}

/** The product processor with a replay's recording after every quantum. */
class ReplayProcessor extends JitterlaneProcessor {
  private readonly recording: Recording;

  constructor(options: { processorOptions: ProcessorOptions; outputChannelCount?: number[] }) {
    super(options);
    const replay = options.processorOptions.replay;
    if (!replay) throw new JitterlaneError("the replay processor needs processorOptions.replay");
    this.recording = new Recording(replay, this.engine);
  }

  protected onMessage(message: MainToProcessor): void {
    if (message.type === 'replay-result') this.port.postMessage({ type: 'replay-result', id: message.id, result: this.recording.result() });
    else super.onMessage(message);
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const running = super.process(inputs, outputs);
    const out = outputs[0];
    if (!running || !out || out.length === 0) return running;
    try {
      this.recording.afterQuantum(this.allInserted(), out[0].length);
    } catch {
      this.renderErrors++;
    }
    return running;
  }
}

registerJitterlaneProcessor(ReplayProcessor);
