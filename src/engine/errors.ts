// The one error type of the API edge.

/** An error at the API edge: a bad argument, said clearly, before anything reaches the engine. */
export class JitterlaneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JitterlaneError';
  }
}
