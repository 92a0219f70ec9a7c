// Assertions for programmer errors: a failed one means the code is wrong, not the input.
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function assertNever(value: never, message = 'unexpected value'): never {
  throw new AssertionError(`${message}: ${JSON.stringify(value)}`);
}

/** A value the code knows is there (an index within bounds, a key just set): asserted, not assumed. */
export function defined<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new AssertionError(`${what} is missing`);
  return value;
}
