/**
 * The one error the hub store throws. Its code comes from the one closed set
 * (src/common/errors.ts), so the RPC service and the admin commands map it
 * without reading messages; messages name the thing that is wrong and never
 * carry a secret. The store uses `not-found`, `already-exists`,
 * `invalid-argument`, and for the database itself `unavailable` (reason
 * `busy`), `data-loss` (`corrupt`), `failed-precondition` (`newer-version`).
 */
import { DcaError } from "../../common/errors.ts";

/** An error from the hub store. */
export class StoreError extends DcaError {
  override name = "StoreError";

  /**
   * Wraps anything thrown below the store (SQLite, fs) into a StoreError;
   * keeps a DcaError as it is (a StoreError, or a caller's own error thrown
   * inside a transaction).
   */
  static override from(e: unknown): DcaError {
    if (e instanceof DcaError) return e;
    const sorted = DcaError.from(e);
    return new StoreError(sorted.code, `hub store: ${sorted.message}`, { cause: e, ...(sorted.reason && { reason: sorted.reason }) });
  }
}
