// The worklet bundles Chromium runs, run in Node: each bundle is evaluated in
// a vm with the AudioWorkletGlobalScope names it uses (one vm per scope, so a
// scope's libopus is shared as in a browser), with a port whose messages are
// delivered at once. The tests drive process() quantum by quantum.

import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { buildFile, packageFile } from '../../src/engine/build_files.js';
import { wasmPath } from '../../src/engine/node_loader.js';

export interface BundleProcessor {
  port: { onmessage: ((event: { data: unknown }) => void) | null; postMessage(message: unknown): void };
  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean;
}

/** The messages a processor posted, in order. */
export type Posted = unknown[];

export const engineWasm = new WebAssembly.Module(readFileSync(wasmPath()));
export const opusWasm = new WebAssembly.Module(readFileSync(buildFile('libopus.wasm')));

/**
 * A fresh worklet scope with `bundle` (e.g. 'jitterlane-group-processor.js')
 * evaluated in it; returns a constructor of its registered processor whose
 * instances record what they post. `frame` is the scope's currentFrame, which
 * the test advances.
 */
export function workletScope(bundle: string, rate = 48000): { create(options: unknown): { processor: BundleProcessor; posted: Posted }; scope: { currentFrame: number } } {
  const source = readFileSync(packageFile(`dist/worklet/${bundle}`), 'utf8');
  let registered: (new (options: unknown) => BundleProcessor) | null = null;
  /** Where the processor being constructed records its messages. */
  let nextPosted: Posted = [];
  class AudioWorkletProcessor {
    port: BundleProcessor['port'];
    constructor() {
      const own = nextPosted;
      this.port = { onmessage: null, postMessage: (message: unknown) => own.push(message) };
    }
  }
  const scope = {
    AudioWorkletProcessor,
    registerProcessor: (_name: string, processor: new (options: unknown) => BundleProcessor) => (registered = processor),
    sampleRate: rate,
    currentFrame: 0,
    WebAssembly, Atomics, SharedArrayBuffer, Object, Math, Number, Map, Set, Float32Array, Float64Array, Int16Array, Int32Array,
    Uint8Array, Uint16Array, Uint32Array, DataView, ArrayBuffer, Error, TypeError, RangeError, String, Array, Symbol, Promise, JSON, console,
  };
  vm.runInNewContext(source, scope);
  return {
    scope,
    create(options: unknown) {
      const posted: Posted = (nextPosted = []);
      const processor = new registered!({ processorOptions: options });
      return { processor, posted };
    },
  };
}

/** Sends a message to a processor as its node would, and returns what it posted in reply. */
export function send(target: { processor: BundleProcessor; posted: Posted }, message: unknown): unknown[] {
  const from = target.posted.length;
  target.processor.port.onmessage?.({ data: message });
  return target.posted.slice(from);
}
