/**
 * The one mapping between our error codes and Connect's (gRPC's) codes, both
 * ways: the hub's API answers with connectCodeOf, and an error from the hub
 * becomes a DcaError with errorCodeOfConnect. Both switches are total, so a
 * new code does not compile until it is mapped here.
 */
import { Code } from "@connectrpc/connect";
import type { ErrorCode } from "./errors.ts";

/** The Connect code a hub answers with for `code`. */
export function connectCodeOf(code: ErrorCode): Code {
  switch (code) {
    case "usage":
    case "invalid-argument":
    // A request field that does not parse is the caller's to fix.
    case "malformed":
      return Code.InvalidArgument;
    // The config the hub holds, or the state of an install, is not the request's to fix.
    case "invalid-config":
    case "failed-precondition":
    case "locked":
      return Code.FailedPrecondition;
    case "not-found":
      return Code.NotFound;
    case "already-exists":
      return Code.AlreadyExists;
    case "permission-denied":
      return Code.PermissionDenied;
    case "unauthenticated":
      return Code.Unauthenticated;
    case "resource-exhausted":
      return Code.ResourceExhausted;
    case "unavailable":
      return Code.Unavailable;
    case "deadline-exceeded":
      return Code.DeadlineExceeded;
    case "canceled":
      return Code.Canceled;
    case "data-loss":
      return Code.DataLoss;
    case "unimplemented":
      return Code.Unimplemented;
    case "internal":
      return Code.Internal;
    default:
      return code satisfies never;
  }
}

/** Our code for a Connect code an agent received. */
export function errorCodeOfConnect(code: Code): ErrorCode {
  switch (code) {
    case Code.Canceled:
      return "canceled";
    case Code.InvalidArgument:
    case Code.OutOfRange:
      return "invalid-argument";
    case Code.DeadlineExceeded:
      return "deadline-exceeded";
    case Code.NotFound:
      return "not-found";
    case Code.AlreadyExists:
      return "already-exists";
    case Code.PermissionDenied:
      return "permission-denied";
    case Code.ResourceExhausted:
      return "resource-exhausted";
    case Code.FailedPrecondition:
      return "failed-precondition";
    // Aborted (a conflict) is worth a retry, like an unavailable hub.
    case Code.Aborted:
    case Code.Unavailable:
      return "unavailable";
    case Code.Unimplemented:
      return "unimplemented";
    case Code.DataLoss:
      return "data-loss";
    case Code.Unauthenticated:
      return "unauthenticated";
    case Code.Unknown:
    case Code.Internal:
      return "internal";
    default:
      return code satisfies never;
  }
}

/**
 * The response header (a gRPC trailer) in which the hub says how long a
 * refusal that passes with time lasts, in milliseconds (DcaError.retryAfterMs).
 */
export const RETRY_AFTER_HEADER = "dca-retry-after-ms";

/** The metadata a hub's error carries for `retryAfterMs` (none when undefined). */
export function retryAfterMetadata(retryAfterMs: number | undefined): Record<string, string> | undefined {
  return retryAfterMs === undefined ? undefined : { [RETRY_AFTER_HEADER]: String(Math.max(0, Math.ceil(retryAfterMs))) };
}

/** The retry delay an error's metadata carries, if a whole number of milliseconds. */
export function retryAfterOf(metadata: Headers): number | undefined {
  const v = metadata.get(RETRY_AFTER_HEADER);
  return v !== null && /^\d{1,12}$/.test(v) ? Number(v) : undefined;
}
