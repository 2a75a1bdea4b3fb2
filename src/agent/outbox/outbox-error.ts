/**
 * The outbox's one error class. Messages name the file and say what to do;
 * they never contain reading payloads (or anything else that could carry a
 * secret), only the file path and SQLite's own words.
 */
import { DcaError, type ErrorCode, thrownParts } from "../../common/errors.ts";

/**
 * The finer reasons of an OutboxError, besides its code:
 * - `not-a-database` (data-loss): the file is not SQLite at all.
 * - `corrupt` (data-loss): SQLite found damage in the file.
 * - `not-an-outbox` (failed-precondition): an SQLite file that some other program owns.
 * - `newer-version` (failed-precondition): written by a newer agent with a schema this one does not know.
 * - `closed` (failed-precondition): the outbox was used after close().
 * - `io`: the file or its folder cannot be created, opened or written (the code says why).
 */
export type OutboxReason = "not-a-database" | "corrupt" | "not-an-outbox" | "newer-version" | "closed" | "io";

/** An outbox failure with a message fit for an operator. */
export class OutboxError extends DcaError {
  override name = "OutboxError";
  declare readonly reason?: OutboxReason;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; reason?: OutboxReason } = {}) {
    super(code, message, options);
  }

  /**
   * Turns whatever a storage call threw into an OutboxError about `path`,
   * keeping an OutboxError as it is. `doing` says what was attempted
   * ("store a reading").
   */
  static fromStorage(e: unknown, path: string, doing: string): OutboxError {
    if (e instanceof OutboxError) return e;
    const sorted = DcaError.from(e);
    const { code, text } = thrownParts(e);
    const leave = `It was left as it is: move it aside (for example rename it to ${path}.broken) and start the agent again to get a new, empty outbox.`;
    // Extended codes (SQLITE_CORRUPT_INDEX...) are damage all the same.
    switch (code.startsWith("SQLITE_CORRUPT") ? "SQLITE_CORRUPT" : code) {
      case "SQLITE_NOTADB":
        return new OutboxError("data-loss", `outbox file ${path} is not an SQLite database (${text}). ${leave}`, { cause: e, reason: "not-a-database" });
      case "SQLITE_CORRUPT":
        return new OutboxError(
          "data-loss",
          `outbox file ${path} is damaged (${text}). ${leave} Readings may be rescued with: sqlite3 ${path}.broken .recover`,
          { cause: e, reason: "corrupt" },
        );
      case "SQLITE_FULL":
        return new OutboxError("resource-exhausted", `cannot ${doing} in outbox ${path}: the disk is full; free some space on it`, { cause: e, reason: "io" });
      default:
        return new OutboxError(sorted.code, `cannot ${doing} in outbox ${path}: ${text}`, { cause: e, reason: "io" });
    }
  }
}
