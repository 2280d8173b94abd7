// What a processor is given for each wasm it instantiates: a compiled Module
// (structured-cloned from the main thread), or its bytes where a Module cannot
// cross (a polyfilled AudioWorklet).

/** A compiled module, or the bytes of one. */
export type WasmSource = WebAssembly.Module | ArrayBuffer | Uint8Array;

/** A Module from a Module, an ArrayBuffer or a typed array (maybe from another realm: no instanceof). */
export function toModule(wasm: WasmSource): WebAssembly.Module {
  if (Object.prototype.toString.call(wasm) === '[object WebAssembly.Module]') return wasm as WebAssembly.Module;
  const view = ArrayBuffer.isView(wasm) ? new Uint8Array(wasm.buffer, wasm.byteOffset, wasm.byteLength) : new Uint8Array(wasm as ArrayBuffer);
  return new WebAssembly.Module(new Uint8Array(view));
}
