/**
 * How the hub's API answers a failure: a DcaError (from the store, a request
 * check, the service itself) becomes a ConnectError with the code of the one
 * mapping (src/common/connect-code.ts) and its message. An `internal` one is
 * answered "internal error", as Connect does for anything it does not know;
 * its words go to the hub's log, not to the agent.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { connectCodeOf, retryAfterMetadata } from "../../common/connect-code.ts";
import { DcaError } from "../../common/errors.ts";

/** The ConnectError the API answers for `e`; a ConnectError stays as it is. */
export function toConnectError(e: unknown, log?: (line: string) => void): ConnectError {
  if (e instanceof ConnectError) return e;
  const err = DcaError.from(e);
  if (err.code === "internal") {
    log?.(`internal error: ${err.message}`);
    return new ConnectError("internal error", Code.Internal, undefined, undefined, err);
  }
  return new ConnectError(err.message, connectCodeOf(err.code), retryAfterMetadata(err.retryAfterMs), undefined, err);
}

/** `impl` with each method's failure answered through {@link toConnectError}. */
export function withConnectErrors<T extends object>(impl: T, log?: (line: string) => void): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(impl) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await method(...args);
      } catch (e) {
        throw toConnectError(e, log);
      }
    };
  }
  return wrapped as T;
}
