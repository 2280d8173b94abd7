// Loading the engine module (and libopus) in Node: reads the wasm next to the package.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LibOpus } from './codecs/libopus.js';
import { EngineModule, type ExtraImports } from './engine.js';

/** Path of build/jitterlane.wasm (or the debug build), from src/ or dist/src/. */
export function wasmPath(variant: 'release' | 'debug' = 'release'): string {
  return buildFile(variant === 'release' ? 'jitterlane.wasm' : 'jitterlane.debug.wasm');
}

/** Path of a file in build/, from src/ or dist/src/. */
function buildFile(file: string): string {
  for (const up of ['../build/', '../../build/']) {
    const path = fileURLToPath(new URL(up + file, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`${file} not found: run \`npm run build\` first`);
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

/** A fresh libopus instance (build/libopus.wasm, copied from @evan/opus by the build), compiled once per process. */
export function loadLibOpus(): LibOpus {
  libopusModule ??= new WebAssembly.Module(readFileSync(buildFile('libopus.wasm')));
  return LibOpus.fromModule(libopusModule);
}

let shared: LibOpus | null = null;

/** One libopus instance for the whole process (replays, encoders): decoders are made and freed in it. */
export function sharedLibOpus(): LibOpus {
  shared ??= loadLibOpus();
  return shared;
}
