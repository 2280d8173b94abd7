// JitterlaneNode in Node: a stand-in for the browser pieces it touches (an
// AudioContext with audioWorklet.addModule, AudioWorkletNode, fetch of the
// wasm) that runs the real processor bundle (dist/worklet/jitterlane-processor.js)
// over a real MessageChannel, and renders only when the test says so. Enough to
// pin the node's API edge (bad arguments, close, a closed context) without a
// browser; the browser tests run the same node in Chromium.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { buildFile, packageFile } from '../../src/engine/build_files.js';

const PROCESSOR_URL = pathToFileURL(packageFile('dist/worklet/jitterlane-processor.js'));
const WASM_URL = pathToFileURL(buildFile('jitterlane.wasm'));
/** What the stand-in fetch serves: the built files. */
const SERVED_FOLDERS = ['build', 'dist'].map((folder) => `${pathToFileURL(packageFile(folder)).href}/`);

interface Processor {
  port: MessagePort;
  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean;
}
type ProcessorClass = new (options: unknown) => Processor;

/** The port the next processor constructed takes (AudioWorkletNode hands it over, as the browser does). */
let nextProcessorPort: MessagePort | null = null;
const registry = new Map<string, ProcessorClass>();

/** The base class the bundle extends: takes its port from the node being constructed. */
class FakeAudioWorkletProcessor {
  readonly port: MessagePort;
  constructor() {
    this.port = nextProcessorPort!;
    nextProcessorPort = null;
  }
}

function loadProcessorBundle(): void {
  if (registry.size > 0) return;
  const source = readFileSync(fileURLToPath(PROCESSOR_URL), 'utf8');
  // The AudioWorkletGlobalScope's names, as parameters of the script (a classic IIFE bundle);
  // currentFrame is a global the rendering context sets before each quantum.
  const run = new Function('AudioWorkletProcessor', 'registerProcessor', 'sampleRate', source);
  run(FakeAudioWorkletProcessor, (name: string, processor: ProcessorClass) => registry.set(name, processor), 48_000);
}

/** A context that renders 48 kHz quanta on request. */
export class FakeAudioContext extends EventTarget {
  readonly sampleRate = 48_000;
  state: 'running' | 'suspended' | 'closed' = 'running';
  readonly nodes: FakeAudioWorkletNode[] = [];
  readonly audioWorklet = {
    addModule: async (url: string): Promise<void> => {
      if (this.state === 'closed') throw new DOMException('The context is closed', 'InvalidStateError');
      if (url !== PROCESSOR_URL.href) throw new Error(`unexpected worklet module ${url}`);
      loadProcessorBundle();
    },
  };

  /** The context frame the next quantum starts at (the worklet scope's currentFrame). */
  frame = 0;

  get currentTime(): number {
    return 0;
  }

  /** Runs `quanta` render quanta of 128 frames through every live node; returns the last node's output. */
  render(quanta: number): Float32Array {
    const out = new Float32Array(128);
    for (let q = 0; q < quanta; q++) {
      (globalThis as Record<string, unknown>).currentFrame = this.frame;
      for (const node of this.nodes) if (node.alive) node.alive = node.processor.process([], [[out]]);
      this.frame += 128;
    }
    return out;
  }

  /** Lets `quanta` quanta pass without calling process(): as Chromium does for a node nothing pulls (not connected toward the destination). */
  skip(quanta: number): void {
    this.frame += 128 * quanta;
  }

  async close(): Promise<void> {
    this.state = 'closed';
    for (const node of this.nodes) node.port.close();
    this.dispatchEvent(new Event('statechange'));
  }
}

/**
 * The AudioWorkletNode stand-in: constructs the registered processor with the
 * other end of its port. As in a browser, a processor whose constructor throws
 * does not make the node's constructor throw: the node fires 'processorerror'
 * (an ErrorEvent) a task later and never renders.
 */
export class FakeAudioWorkletNode extends EventTarget {
  readonly port: MessagePort;
  readonly processor: Processor;
  alive = true;
  connections = 0;

  constructor(context: FakeAudioContext, name: string, options: { processorOptions: unknown }) {
    super();
    if (context.state === 'closed') throw new DOMException('The context is closed', 'InvalidStateError');
    const Processor = registry.get(name);
    if (!Processor) throw new DOMException(`no processor '${name}'`, 'InvalidStateError');
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    nextProcessorPort = port2;
    // The browser clones processorOptions into the worklet's realm; here both share one realm.
    let processor: Processor;
    try {
      processor = new Processor({ processorOptions: options.processorOptions, outputChannelCount: [1] });
    } catch (error) {
      processor = { port: port2, process: () => false };
      this.alive = false;
      setTimeout(() => this.dispatchEvent(Object.assign(new Event('processorerror'), { error, message: String((error as Error)?.message ?? error) })), 0);
    }
    this.processor = processor;
    context.nodes.push(this);
  }

  connect(): void {
    this.connections++;
  }

  disconnect(): void {
    this.connections = 0;
  }
}

/**
 * Installs the stand-ins on globalThis (AudioWorkletNode, a fetch that serves
 * the built files from disk; crossOriginIsolated when `isolated`) and returns
 * what to pass to JitterlaneNode.create. `restore()` puts the globals back.
 */
export function installFakeWorkletScope(isolated = false): { options: { processorUrl: string; wasmUrl: string }; restore(): void } {
  const saved = { AudioWorkletNode: (globalThis as Record<string, unknown>).AudioWorkletNode, fetch: globalThis.fetch, crossOriginIsolated: (globalThis as Record<string, unknown>).crossOriginIsolated };
  const g = globalThis as Record<string, unknown>;
  g.AudioWorkletNode = FakeAudioWorkletNode;
  // Not '[native code]': JitterlaneNode would take the polyfill path and fetch bytes; both paths work here.
  g.crossOriginIsolated = isolated;
  // Serves the built files (build/, dist/) from disk, 404 for anything else.
  globalThis.fetch = (async (url: string | URL) => {
    const href = String(url);
    const served = SERVED_FOLDERS.some((prefix) => href.startsWith(prefix));
    if (!served || !existsSync(fileURLToPath(href))) return new Response(null, { status: 404 });
    return new Response(readFileSync(fileURLToPath(href)), { headers: { 'content-type': href.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' } });
  }) as typeof fetch;
  return {
    options: { processorUrl: PROCESSOR_URL.href, wasmUrl: WASM_URL.href },
    restore() {
      g.AudioWorkletNode = saved.AudioWorkletNode;
      g.crossOriginIsolated = saved.crossOriginIsolated;
      delete g.currentFrame;
      globalThis.fetch = saved.fetch;
    },
  };
}

/** Lets posted messages (port batches, stats requests and replies) be delivered. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A FakeAudioContext that is an OfflineAudioContext (installed as the global one while `run` runs). */
export async function withFakeOfflineAudioContext<T>(run: (context: FakeAudioContext) => Promise<T>): Promise<T> {
  class FakeOfflineAudioContext extends FakeAudioContext {}
  const g = globalThis as Record<string, unknown>;
  const saved = g.OfflineAudioContext;
  g.OfflineAudioContext = FakeOfflineAudioContext;
  try {
    return await run(new FakeOfflineAudioContext());
  } finally {
    g.OfflineAudioContext = saved;
  }
}
