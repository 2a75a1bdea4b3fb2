/**
 * The shape every error class of ours shares: a closed `code` the callers
 * switch on, and a message fit for an operator. Each module keeps its own
 * subclass (its name, its codes, its `from` that sorts what a lower layer threw).
 */
export class CodedError<C extends string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What anything thrown says of itself: its `code` property (as a string, "" if none) and its message. */
export function thrownParts(e: unknown): { code: string; text: string } {
  return { code: String((e as { code?: unknown })?.code ?? ""), text: e instanceof Error ? e.message : String(e) };
}
