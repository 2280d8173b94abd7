// Loading the engine module (and libopus) in Node: reads the wasm of the package's build/.

import { readFileSync } from 'node:fs';
import { LibOpus } from '../codecs/libopus.js';
import { buildFile } from './build_files.js';
import { EngineModule } from './module.js';
import type { ExtraImports } from './types.js';

/** Path of build/jitterlane.wasm (or the debug build). */
export function wasmPath(variant: 'release' | 'debug' = 'release'): string {
  return buildFile(variant === 'release' ? 'jitterlane.wasm' : 'jitterlane.debug.wasm');
}

const compiled = new Map<string, WebAssembly.Module>();

/** A fresh engine module instance (own memory), compiled once per process. */
export function loadEngineModule(variant: 'release' | 'debug' = 'release', extra: ExtraImports = {}): EngineModule {
  const path = wasmPath(variant);
  let module = compiled.get(path);
  if (!module) {
    module = new WebAssembly.Module(readFileSync(path));
    compiled.set(path, module);
  }
  return EngineModule.fromModule(module, extra);
}

let libopusModule: WebAssembly.Module | null = null;

/** A fresh libopus instance (build/libopus.wasm, made from @evan/opus by scripts/build-libopus.mjs), compiled once per process. */
export function loadLibOpus(): LibOpus {
  libopusModule ??= new WebAssembly.Module(readFileSync(buildFile('libopus.wasm')));
  return LibOpus.fromModule(libopusModule);
}

/** The process's one libopus instance (LibOpus.forScope: replays, encoders, engines): decoders are made and freed in it. */
export function sharedLibOpus(): LibOpus {
  return LibOpus.forScope(() => (libopusModule ??= new WebAssembly.Module(readFileSync(buildFile('libopus.wasm')))));
}
