// A node's start, settled once: create() awaits it; the processor's 'ready'
// resolves it and the first failure (processorerror, an error message, the
// context closing) rejects it; whatever comes after does nothing, so a failure
// that follows the start can never reject a create() that already resolved.

export class StartLatch {
  private resolveStart: (() => void) | null = null;
  private rejectStart: ((error: Error) => void) | null = null;
  /** Settles when the start does. */
  readonly promise = new Promise<void>((resolve, reject) => {
    this.resolveStart = resolve;
    this.rejectStart = reject;
  });

  /** True until the start has settled. */
  get pending(): boolean {
    return this.rejectStart !== null;
  }

  /** Resolves (error null) or rejects the start, the first time only. */
  settle(error: Error | null): void {
    const [resolve, reject] = [this.resolveStart, this.rejectStart];
    this.resolveStart = this.rejectStart = null;
    if (error) reject?.(error);
    else resolve?.();
  }
}
