// Changes the value of one exported constant global in a wasm binary, for
// tests that need a module built "with a different value" without compiling
// one: the binary is walked section by section (WebAssembly core spec §5.5),
// the export named is found, and its global's init expression (i32.const or
// f64.const) is rewritten in place. Only a value of the same encoded length
// is accepted (so no section size changes); the code that reads the constant
// inside the module is unchanged, exactly as if the host side had drifted.

const SECTION_IMPORT = 2;
const SECTION_GLOBAL = 6;
const SECTION_EXPORT = 7;
const EXTERNAL_GLOBAL = 3;
const OP_I32_CONST = 0x41;
const OP_F64_CONST = 0x44;

class Reader {
  constructor(readonly bytes: Uint8Array, public at = 0) {}
  byte(): number {
    return this.bytes[this.at++];
  }
  /** An unsigned LEB128 number. */
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  }
  /** Skips a signed LEB128 number, returning its length. */
  skipLeb(): number {
    const start = this.at;
    while (this.byte() & 0x80);
    return this.at - start;
  }
  name(): string {
    const length = this.u32();
    const text = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + length));
    this.at += length;
    return text;
  }
  skipLimits(): void {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
}

/** Signed LEB128 encoding of an i32. */
function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (b & 0x40) === 0) || (value === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

/** A copy of `wasm` whose exported global `name` holds `value` instead. */
export function withExportedGlobal(wasm: Uint8Array, name: string, value: number): Uint8Array {
  const bytes = new Uint8Array(wasm);
  const sections = new Map<number, number>();
  const r = new Reader(bytes, 8);
  while (r.at < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    sections.set(id, r.at);
    r.at += size;
  }

  let importedGlobals = 0;
  if (sections.has(SECTION_IMPORT)) {
    const s = new Reader(bytes, sections.get(SECTION_IMPORT)!);
    for (let n = s.u32(); n > 0; n--) {
      s.name();
      s.name();
      const kind = s.byte();
      if (kind === 0) s.u32();
      else if (kind === 1) (s.byte(), s.skipLimits());
      else if (kind === 2) s.skipLimits();
      else if (kind === EXTERNAL_GLOBAL) (s.byte(), s.byte(), importedGlobals++);
      else throw new Error(`import kind ${kind} not handled`);
    }
  }

  let globalIndex = -1;
  const e = new Reader(bytes, sections.get(SECTION_EXPORT)!);
  for (let n = e.u32(); n > 0 && globalIndex < 0; n--) {
    const exported = e.name();
    const kind = e.byte();
    const index = e.u32();
    if (exported === name && kind === EXTERNAL_GLOBAL) globalIndex = index;
  }
  if (globalIndex < importedGlobals) throw new Error(`no exported global ${name} defined in the module`);

  const g = new Reader(bytes, sections.get(SECTION_GLOBAL)!);
  const count = g.u32();
  for (let i = importedGlobals; i < importedGlobals + count; i++) {
    g.byte(); // value type
    g.byte(); // mutability
    const op = g.byte();
    const valueAt = g.at;
    if (op === OP_I32_CONST) {
      const length = g.skipLeb();
      if (i === globalIndex) {
        const encoded = sleb(value);
        if (!Number.isInteger(value) || encoded.length !== length) throw new Error(`${value} does not fit the ${length}-byte encoding of ${name}`);
        bytes.set(encoded, valueAt);
        return bytes;
      }
    } else if (op === OP_F64_CONST) {
      g.at += 8;
      if (i === globalIndex) {
        new DataView(bytes.buffer, bytes.byteOffset + valueAt, 8).setFloat64(0, value, true);
        return bytes;
      }
    } else if (i === globalIndex) {
      throw new Error(`${name} is not initialised by an i32 or f64 constant`);
    } else {
      while (g.byte() !== 0x0b); // skip any other constant expression to its end
      continue;
    }
    if (g.byte() !== 0x0b) throw new Error('constant expression longer than one instruction');
  }
  throw new Error(`global ${globalIndex} of ${name} not found`);
}
