// Build step: @evan/opus's raw libopus (wasm/simd.wasm) → build/libopus.wasm,
// with its memory layout made small. As shipped, the module starts with 16 MiB
// of memory: emscripten's defaults of a 5 MiB stack and a 16 MiB initial
// memory. libopus needs far less: the deepest call measured (an encoder at
// 510 kbps, 60 ms stereo frames, with PLC and FEC decodes; see
// test/unit/libopus_layout.test.ts) uses 106 KiB of stack. So the stack is
// given STACK_BYTES (about 5 times that), the heap starts right above it, and
// the initial memory is the fewest pages that hold the two; malloc grows the
// memory (memory.grow, with emscripten_notify_memory_growth) as decoders are
// made.
//
// Three numbers are rewritten in place, each at the one spot it occurs, with
// the same encoded width, so no section changes size: the stack pointer's
// initial value (global 0), the heap's start as stored in the data (sbrk's
// initial break, which equals the old stack top), and the memory's minimum
// pages. The script refuses (and the build fails) when the module is not laid
// out as expected, e.g. after an upgrade of @evan/opus.

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Stack for libopus: about 5 times the 106 KiB its deepest measured call uses. */
export const STACK_BYTES = 512 * 1024;
const PAGE_BYTES = 65536;

/** Unsigned LEB128 at `at`: its value and its width in bytes. */
function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  let p = at;
  for (;;) {
    const b = bytes[p++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return { value, width: p - at };
  }
}

/** Writes `value` as LEB128 of exactly `width` bytes (padded with continuation bytes; valid wasm). */
function writeLeb(bytes, at, value, width, signed) {
  let v = value;
  for (let i = 0; i < width; i++) {
    const last = i === width - 1;
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (!last) b |= 0x80;
    bytes[at + i] = b;
  }
  // A signed LEB's last byte carries the sign in bit 6: values here are positive and below 2^27.
  if (signed && (bytes[at + width - 1] & 0x40) !== 0) throw new Error('build-libopus: value too large for its field');
  if (v !== 0) throw new Error('build-libopus: value too large for its field');
}

/** The offsets of the fields rewritten, found by walking the module's sections. */
function findLayout(bytes) {
  let p = 8;
  const layout = { memoryMin: null, stackInit: null, dataStart: -1, dataEnd: -1 };
  while (p < bytes.length) {
    const id = bytes[p++];
    const size = readLeb(bytes, p);
    p += size.width;
    const start = p;
    if (id === 5) {
      const count = readLeb(bytes, p);
      if (count.value !== 1) throw new Error('build-libopus: expected one memory');
      const flags = bytes[p + count.width];
      const min = readLeb(bytes, p + count.width + 1);
      layout.memoryMin = { at: p + count.width + 1, ...min, hasMax: (flags & 1) === 1 };
    } else if (id === 6) {
      const count = readLeb(bytes, p);
      const g = p + count.width;
      // global 0: i32 (0x7f), mutable (1), i32.const (0x41) <sleb>, end
      if (bytes[g] !== 0x7f || bytes[g + 1] !== 1 || bytes[g + 2] !== 0x41) throw new Error('build-libopus: global 0 is not the mutable i32 stack pointer');
      const init = readLeb(bytes, g + 3);
      layout.stackInit = { at: g + 3, ...init };
    } else if (id === 11) {
      layout.dataStart = start;
      layout.dataEnd = start + size.value;
    }
    p = start + size.value;
  }
  if (!layout.memoryMin || !layout.stackInit || layout.dataStart < 0) throw new Error('build-libopus: memory, globals or data section not found');
  return layout;
}

/** Offsets in [from, to) where `value` is stored as 4 little-endian bytes. */
function findWord(bytes, from, to, value) {
  const hits = [];
  for (let i = from; i + 4 <= to; i++) {
    if ((bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) >>> 0 === value) hits.push(i);
  }
  return hits;
}

/** The module with its stack cut to STACK_BYTES and its initial memory to the pages it needs. */
export function smallLayout(original) {
  const bytes = new Uint8Array(original);
  const layout = findLayout(bytes);
  const oldTop = layout.stackInit.value;
  const heapStarts = findWord(bytes, layout.dataStart, layout.dataEnd, oldTop);
  if (heapStarts.length !== 1) throw new Error(`build-libopus: expected the heap start ${oldTop} once in the data, found it ${heapStarts.length} times`);
  const staticEnd = findStaticEnd(bytes, layout, oldTop);
  const newTop = Math.ceil((staticEnd + STACK_BYTES) / 16) * 16;
  if (newTop >= oldTop) throw new Error('build-libopus: the stack is already small');
  writeLeb(bytes, layout.stackInit.at, newTop, layout.stackInit.width, true);
  const w = heapStarts[0];
  bytes[w] = newTop & 0xff;
  bytes[w + 1] = (newTop >>> 8) & 0xff;
  bytes[w + 2] = (newTop >>> 16) & 0xff;
  bytes[w + 3] = (newTop >>> 24) & 0xff;
  const pages = Math.ceil(newTop / PAGE_BYTES) + 1; // one page of heap to start with
  writeLeb(bytes, layout.memoryMin.at, pages, layout.memoryMin.width, false);
  return { bytes, stackTop: newTop, stackEnd: staticEnd, pages, oldTop, oldPages: layout.memoryMin.value };
}

/** emscripten's default stack size, the one the shipped module was linked with. */
const EMSCRIPTEN_STACK_BYTES = 5 * 1024 * 1024;

/**
 * The stack's low end: the end of static data and BSS, which emscripten also
 * stores in the data (__stack_end). The stack was EMSCRIPTEN_STACK_BYTES below
 * its top; that word must occur in the data exactly once.
 */
function findStaticEnd(bytes, layout, oldTop) {
  const stackEnd = oldTop - EMSCRIPTEN_STACK_BYTES;
  const hits = findWord(bytes, layout.dataStart, layout.dataEnd, stackEnd);
  if (stackEnd <= 0 || hits.length !== 1) throw new Error(`build-libopus: the stack end ${stackEnd} (top − 5 MiB) was not found once in the data`);
  return stackEnd;
}

const invokedAsScript = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (invokedAsScript) {
  const require = createRequire(import.meta.url);
  const root = fileURLToPath(new URL('../', import.meta.url));
  const source = require.resolve('@evan/opus/wasm/simd.wasm');
  const { bytes, stackTop, pages, oldPages } = smallLayout(readFileSync(source));
  writeFileSync(`${root}build/libopus.wasm`, bytes);
  console.log(`build-libopus: stack top ${stackTop}, initial memory ${pages} pages (was ${oldPages})`);
}
