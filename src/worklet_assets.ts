// Loading what a worklet node needs, once per page and context: the worklet
// bundle (added to each context once) and the wasm files (compiled once per
// URL). A failure is not cached (a network hiccup is not forever) and rejects
// with a JitterlaneError naming the URL.

import { JitterlaneError } from './engine/index.js';
import type { WasmSource } from './worklet/wasm_source.js';

const compiled = new Map<string, Promise<WebAssembly.Module>>();
const added = new WeakMap<BaseAudioContext, Map<string, Promise<void>>>();

/** A thrown value's message, whatever was thrown. */
export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
}

/** A file's bytes; rejects with a JitterlaneError naming the URL when it cannot be loaded. */
export async function fetchBytes(url: string, who: string): Promise<ArrayBuffer> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new JitterlaneError(`${who}: cannot load ${url}: ${errorText(error)}`);
  }
  if (!response.ok) throw new JitterlaneError(`${who}: cannot load ${url}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

/** Compiles a wasm file once per URL and page. */
export function compileOnce(url: string, who: string): Promise<WebAssembly.Module> {
  let compiling = compiled.get(url);
  if (!compiling) {
    compiling = fetchBytes(url, who).then(async (bytes) => {
      try {
        return await WebAssembly.compile(bytes);
      } catch (error) {
        throw new JitterlaneError(`${who}: ${url} is not a WebAssembly module this browser compiles: ${errorText(error)}`);
      }
    });
    compiled.set(url, compiling);
    compiling.catch(() => compiled.delete(url));
  }
  return compiling;
}

/** Adds a worklet bundle to a context once. */
export function addModuleOnce(context: BaseAudioContext, url: string, who: string): Promise<void> {
  let byUrl = added.get(context);
  if (!byUrl) added.set(context, (byUrl = new Map()));
  let adding = byUrl.get(url);
  if (!adding) {
    const map = byUrl;
    adding = context.audioWorklet.addModule(url).catch((error: unknown) => {
      map.delete(url);
      throw new JitterlaneError(`${who}: cannot load the worklet processor ${url}: ${errorText(error)}`);
    });
    byUrl.set(url, adding);
  }
  return adding;
}

/**
 * True when AudioWorkletNode is not the browser's own: a polyfill runs the
 * processor in another realm on the main thread, where a compiled Module
 * cannot be handed over.
 */
export function workletIsPolyfilled(): boolean {
  return !('AudioWorkletNode' in globalThis) || (globalThis as { AudioWorkletNode: { toString(): string } }).AudioWorkletNode.toString().indexOf('[native code]') < 0;
}

/** What a processor is given for the wasm at `url`: the compiled module, or its bytes in a polyfilled worklet. */
export async function wasmForProcessor(url: string, compiled: WebAssembly.Module, who: string): Promise<WasmSource> {
  return workletIsPolyfilled() ? fetchBytes(url, who) : compiled;
}
