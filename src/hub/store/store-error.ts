/**
 * The one error the hub store throws. Its code is a closed set so that the
 * RPC service and the admin commands can map it without reading messages;
 * messages name the thing that is wrong and never carry a secret.
 */
import { CodedError, thrownParts } from "../../common/coded-error.ts";

/** What went wrong, as a closed set. */
export type StoreErrorCode =
  /** An id or name that does not exist (unknown site, agent, task, install). */
  | "not-found"
  /** A unique value that is taken (site name, credential name). */
  | "already-exists"
  /** A value the store refuses (empty install id, a name too long). */
  | "invalid-argument"
  /** Another process held the database longer than the busy timeout. */
  | "busy"
  /** The database file is not a hub database or is damaged. */
  | "corrupt"
  /** The database was written by a newer hub (a schema version this hub does not know). */
  | "unsupported"
  /** Anything else from SQLite or the file system. */
  | "internal";

/** An error from the hub store, with a code the callers switch on. */
export class StoreError extends CodedError<StoreErrorCode> {
  override name = "StoreError";

  /** Wraps anything thrown below the store (SQLite, fs) into a StoreError; keeps a StoreError as it is. */
  static from(e: unknown): StoreError {
    if (e instanceof StoreError) return e;
    const { code, text } = thrownParts(e);
    if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
      return new StoreError("busy", `the hub database is busy (another process holds it): ${text}`, { cause: e });
    }
    if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB") {
      return new StoreError("corrupt", `the hub database is damaged or not a hub database: ${text}`, { cause: e });
    }
    return new StoreError("internal", `hub store: ${text}`, { cause: e });
  }
}
