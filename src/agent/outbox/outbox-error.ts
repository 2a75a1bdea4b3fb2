/**
 * The outbox's one error class. Messages name the file and say what to do;
 * they never contain reading payloads (or anything else that could carry a
 * secret), only the file path and SQLite's own words.
 */
import { CodedError, thrownParts } from "../../common/coded-error.ts";

/**
 * What went wrong:
 * - `not-a-database`: the file is not SQLite at all.
 * - `not-an-outbox`: an SQLite file that some other program owns.
 * - `newer-version`: written by a newer agent with a schema this one does not know.
 * - `corrupt`: SQLite found damage in the file.
 * - `io`: the file or its folder cannot be created, opened or written (permissions, disk full...).
 * - `invalid-argument`: a caller passed a bad limit or value.
 * - `closed`: the outbox was used after close().
 */
export type OutboxErrorCode = "not-a-database" | "not-an-outbox" | "newer-version" | "corrupt" | "io" | "invalid-argument" | "closed";

/** An outbox failure with a closed `code` and a message fit for an operator. */
export class OutboxError extends CodedError<OutboxErrorCode> {
  override name = "OutboxError";

  /**
   * Turns whatever a storage call threw into an OutboxError about `path`,
   * keeping an OutboxError as it is. `doing` says what was attempted
   * ("store a reading").
   */
  static from(e: unknown, path: string, doing: string): OutboxError {
    if (e instanceof OutboxError) return e;
    const { code, text } = thrownParts(e);
    const leave = `It was left as it is: move it aside (for example rename it to ${path}.broken) and start the agent again to get a new, empty outbox.`;
    // Extended codes (SQLITE_CORRUPT_INDEX...) are damage all the same.
    switch (code.startsWith("SQLITE_CORRUPT") ? "SQLITE_CORRUPT" : code) {
      case "SQLITE_NOTADB":
        return new OutboxError("not-a-database", `outbox file ${path} is not an SQLite database (${text}). ${leave}`, { cause: e });
      case "SQLITE_CORRUPT":
        return new OutboxError(
          "corrupt",
          `outbox file ${path} is damaged (${text}). ${leave} Readings may be rescued with: sqlite3 ${path}.broken .recover`,
          { cause: e },
        );
      case "SQLITE_FULL":
        return new OutboxError("io", `cannot ${doing} in outbox ${path}: the disk is full`, { cause: e });
      default:
        return new OutboxError("io", `cannot ${doing} in outbox ${path}: ${text}`, { cause: e });
    }
  }
}
