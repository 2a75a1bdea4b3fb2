/**
 * The one error class of dca, on both sides: a code from one closed set, a
 * message fit for an operator ("what happened; what to do"), and the cause.
 * The CLIs turn the code into their exit code (exit-codes.ts), the hub's API
 * into a Connect code (connect-code.ts); nobody reads a message to decide.
 * A module subclasses DcaError only where a name, extra fields or a `from`
 * that sorts a lower layer's failures adds something (StoreError, SnmpError...).
 */
import { ConnectError } from "@connectrpc/connect";
import { errorCodeOfConnect, retryAfterOf } from "./connect-code.ts";

/**
 * Every code, as a closed set:
 * - `usage`: the command line is wrong (unknown option, missing argument).
 * - `invalid-argument`: a value given is refused (a target, a duration, a name too long).
 * - `invalid-config`: a configuration cannot be used (a config file, a site's config).
 * - `not-found`: what was named does not exist (a site, an agent, a file).
 * - `already-exists`: a name that must be unique is taken.
 * - `failed-precondition`: the state does not allow it (a newer database, a closed outbox).
 * - `locked`: the agent locked itself after failed activations (see `dca status`).
 * - `permission-denied`: refused on purpose (file permissions, an activation code the hub refuses).
 * - `unauthenticated`: credentials missing or wrong (SNMP auth, the agent's hub credential).
 * - `resource-exhausted`: a bound was passed (a reply too large, a full disk, too many attempts).
 * - `unavailable`: a peer or file cannot be reached now (refused, unreachable, busy); later may work.
 * - `deadline-exceeded`: no (complete) answer in time.
 * - `canceled`: stopped because its caller stopped (a session closed under a request, an abort).
 * - `malformed`: a peer or file answered with something that does not parse (BER, XML, HTTP).
 * - `data-loss`: a file of ours is damaged (the outbox, the hub database, the sealed state).
 * - `unimplemented`: the other side does not know this (an older hub or agent).
 * - `internal`: a bug, or a failure nothing above knew how to sort.
 */
export const ERROR_CODES = [
  "usage",
  "invalid-argument",
  "invalid-config",
  "not-found",
  "already-exists",
  "failed-precondition",
  "locked",
  "permission-denied",
  "unauthenticated",
  "resource-exhausted",
  "unavailable",
  "deadline-exceeded",
  "canceled",
  "malformed",
  "data-loss",
  "unimplemented",
  "internal",
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** What a DcaError may carry besides code and message. */
export interface DcaErrorOptions {
  cause?: unknown;
  /** A finer, module-defined word where callers tell cases of one code apart ("newer-version"). */
  reason?: string;
  /** For a refusal that passes with time (a quota): milliseconds until a retry may work. */
  retryAfterMs?: number;
}

/** An error with a code from {@link ERROR_CODES}, a message for an operator and its cause. */
export class DcaError extends Error {
  override name = "DcaError";
  readonly code: ErrorCode;
  /** A finer, module-defined word for this code, if the module gives one (absent otherwise). */
  declare readonly reason?: string;
  /** Milliseconds until a retry may work, when the refusal says (absent otherwise). */
  declare readonly retryAfterMs?: number;

  constructor(code: ErrorCode, message: string, options: DcaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.reason !== undefined) this.reason = options.reason;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  /**
   * Keeps a DcaError as it is; sorts anything else by what it says of
   * itself: a ConnectError by its code, a system or SQLite error by its
   * `code` ("ENOENT", "SQLITE_BUSY"), an abort or timeout by its name. The
   * message is the original one on one line plus what to do; the original
   * is the cause. Whatever is left is `internal`: a bug to report.
   */
  static from(e: unknown): DcaError {
    if (e instanceof DcaError) return e;
    if (e instanceof ConnectError) {
      const retryAfterMs = retryAfterOf(e.metadata);
      return new DcaError(errorCodeOfConnect(e.code), e.rawMessage, retryAfterMs === undefined ? { cause: e } : { cause: e, retryAfterMs });
    }
    const { code, text } = thrownParts(e);
    const [sorted, hint, reason] = sortThrown(code, (e as { name?: unknown })?.name);
    const line = text.replace(/\s*\n\s*/g, " ").trim() || code || "unknown error";
    return new DcaError(sorted, `${line}; ${hint}`, reason ? { cause: e, reason } : { cause: e });
  }
}

/** What anything thrown says of itself: its `code` property (as a string, "" if none) and its message. */
export function thrownParts(e: unknown): { code: string; text: string } {
  return { code: String((e as { code?: unknown })?.code ?? ""), text: e instanceof Error ? e.message : String(e) };
}

/** System error codes (errno names) by what they mean for the person reading the error. */
const ERRNO: Readonly<Record<string, readonly [ErrorCode, string]>> = {
  ENOENT: ["not-found", "check the path"],
  EEXIST: ["already-exists", "move the existing file aside or choose another name"],
  EACCES: ["permission-denied", "check the owner and permissions of the file or folder, or run as the user that owns it"],
  EPERM: ["permission-denied", "check the owner and permissions of the file or folder, or run as the user that owns it"],
  EROFS: ["permission-denied", "the file system is read-only; choose a writable place"],
  ENOTDIR: ["failed-precondition", "a part of the path is a file, not a folder; check the path"],
  EISDIR: ["failed-precondition", "the path is a folder, not a file; check the path"],
  ENOSPC: ["resource-exhausted", "the disk is full; free some space and try again"],
  EDQUOT: ["resource-exhausted", "the disk quota is used up; free some space and try again"],
  EMFILE: ["resource-exhausted", "too many open files; raise the limit (ulimit -n) or try again later"],
  ENFILE: ["resource-exhausted", "too many open files on this machine; try again later"],
  ENOMEM: ["resource-exhausted", "not enough memory; try again later"],
  EADDRINUSE: ["unavailable", "another program listens on that address; stop it or choose another port"],
  EADDRNOTAVAIL: ["unavailable", "that address is not available on this machine; check the address"],
  ECONNREFUSED: ["unavailable", "nothing listens there; check the address and that the service runs"],
  ECONNRESET: ["unavailable", "the other side closed the connection; try again"],
  EPIPE: ["unavailable", "the other side closed the connection; try again"],
  EHOSTUNREACH: ["unavailable", "the host cannot be reached; check the address and the network"],
  ENETUNREACH: ["unavailable", "the network cannot be reached; check the address and the network"],
  EHOSTDOWN: ["unavailable", "the host is down; check that it is switched on"],
  ENOTFOUND: ["unavailable", "the name does not resolve; check the host name and DNS"],
  EAI_AGAIN: ["unavailable", "the name cannot be resolved now; check DNS and try again"],
  ETIMEDOUT: ["deadline-exceeded", "no answer in time; check the network and try again"],
};

const PERMISSIONS = "check the owner and permissions of the file and its folder";

/** SQLite result codes (extended codes by their prefix) by meaning; a busy or damaged database also says so as the reason. */
function sortSqlite(code: string): Sorted {
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return ["unavailable", "another process holds the database; try again", "busy"];
  if (/^SQLITE_(CORRUPT|NOTADB)/.test(code)) return ["data-loss", "the database file is damaged or not this program's; move it aside and restore a backup", "corrupt"];
  if (code === "SQLITE_FULL") return ["resource-exhausted", "the disk is full; free some space and try again"];
  if (/^SQLITE_(READONLY|PERM|AUTH)/.test(code)) return ["permission-denied", PERMISSIONS];
  if (/^SQLITE_CANTOPEN/.test(code)) return ["unavailable", `the database file cannot be opened; ${PERMISSIONS}`];
  if (/^SQLITE_IOERR/.test(code)) return ["unavailable", "the disk failed to read or write; check the disk"];
  if (/^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)/.test(code)) return ["already-exists", "choose another name"];
  return ["internal", REPORT];
}

const REPORT = "this is a bug in dca: please report it (DCA_DEBUG=1 shows where it happened)";

/** A code, what to do, and a finer reason where callers tell cases apart. */
type Sorted = readonly [ErrorCode, string, string?];

function sortThrown(code: string, name: unknown): Sorted {
  const errno = ERRNO[code];
  if (errno) return errno;
  if (code.startsWith("SQLITE_")) return sortSqlite(code);
  if (code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS")) return ["unavailable", "the TLS handshake failed; check that the port speaks TLS and the certificate"];
  if (name === "AbortError") return ["canceled", "it was stopped before it finished"];
  if (name === "TimeoutError") return ["deadline-exceeded", "no answer in time; try again"];
  return ["internal", REPORT];
}
