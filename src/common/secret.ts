/**
 * A community or password, typed so that it cannot be printed by accident:
 * String(), template literals, JSON.stringify, console.log and Bun's
 * inspect all show `<secret>`. Only `reveal()` gives the value, and only the
 * code that puts it on the wire calls it.
 */

/** What stands in for a secret in anything printed. */
export const SECRET_MARK = "<secret>";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The value itself, for the wire only. */
  reveal(): string {
    return this.#value;
  }

  /** Characters in the value (rules may check its length without revealing it). */
  get length(): number {
    return this.#value.length;
  }

  /** Whether two secrets hold the same value (for tests and de-duplication). */
  equals(other: Secret | string): boolean {
    return this.#value === (typeof other === "string" ? other : other.#value);
  }

  toString(): string {
    return SECRET_MARK;
  }

  toJSON(): string {
    return SECRET_MARK;
  }

  [INSPECT](): string {
    return SECRET_MARK;
  }
}

/** Wraps a value as a Secret (a Secret stays as it is). */
export const secret = (value: string | Secret): Secret => (value instanceof Secret ? value : new Secret(value));
