// Reading a malformed trace must fail with a TraceError (file and byte offset named), nothing else.

import { expect } from 'vitest';
import { TraceError } from '../../src/trace/index.js';

/** Catches the TraceError a function throws, failing the test if it throws anything else or nothing. */
export function traceErrorOf(run: () => unknown): TraceError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TraceError);
    return error as TraceError;
  }
  throw new Error('expected a TraceError');
}
