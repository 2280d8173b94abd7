import { TraceError } from './types.js';

/**
 * Bounds-checked reads of fixed-size unsigned integers from a file's bytes.
 *
 * Every read that would run past the end fails with a TraceError naming the file,
 * the offset and what was being read, so a truncated file never surfaces as a bare
 * RangeError from DataView.
 */
export class ByteView {
  private readonly view: DataView;

  /**
   * @param bytes the whole file (or decompressed file)
   * @param file path used in error messages
   * @param littleEndian byte order of multi-byte fields; formats that learn it from a magic number change it later
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    public littleEndian: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Number of bytes in the file. */
  get length(): number {
    return this.bytes.length;
  }

  /** Number of bytes from `offset` to the end of the file (0 when past the end). */
  remaining(offset: number): number {
    return Math.max(0, this.bytes.length - offset);
  }

  /** Fails with "truncated <what>" unless `size` bytes are available at `offset`. */
  require(offset: number, size: number, what: string): void {
    if (offset < 0 || offset + size > this.bytes.length) {
      throw new TraceError(
        this.file,
        offset,
        `truncated ${what}: needs ${size} bytes, only ${this.remaining(offset)} left`,
      );
    }
  }

  /** Unsigned 8-bit value at `offset`. */
  u8(offset: number, what: string): number {
    this.require(offset, 1, what);
    return this.view.getUint8(offset);
  }

  /** Unsigned 16-bit value at `offset` in the current byte order. */
  u16(offset: number, what: string): number {
    this.require(offset, 2, what);
    return this.view.getUint16(offset, this.littleEndian);
  }

  /** Unsigned 32-bit value at `offset` in the current byte order. */
  u32(offset: number, what: string): number {
    this.require(offset, 4, what);
    return this.view.getUint32(offset, this.littleEndian);
  }

  /** Signed 64-bit value at `offset` in the current byte order, as a bigint. */
  i64(offset: number, what: string): bigint {
    this.require(offset, 8, what);
    return this.view.getBigInt64(offset, this.littleEndian);
  }

  /** A view (not a copy) of `size` bytes at `offset`. */
  slice(offset: number, size: number, what: string): Uint8Array {
    this.require(offset, size, what);
    return this.bytes.subarray(offset, offset + size);
  }
}
