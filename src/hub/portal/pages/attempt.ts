/**
 * An RPC whose refusal a page shows where it happened (a form's notice, a
 * section of a page the person may not see) instead of the whole error page:
 * the refusal's words are the RPC's own, and its HTTP status is the one the
 * error page would have had. Anything unexpected (a 500) is thrown on, to
 * the error page, which shows no detail.
 */
import { DcaError } from "../../../common/errors.ts";
import { statusOf } from "../error-pages.tsx";

/** The statuses a shown refusal is answered with. */
export type RefusalStatus = Exclude<ReturnType<typeof statusOf>, 401 | 500>;

/** What an attempted call gave: its answer, or the refusal to show. */
export type Attempt<T> = { ok: true; value: T } | { ok: false; message: string; status: RefusalStatus };

/** Runs `run`; a refusal a person can act on comes back as its message, anything else is thrown. */
export async function attempt<T>(run: () => Promise<T> | T): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (e) {
    const err = DcaError.from(e);
    const status = statusOf(err.code);
    // A session that ended goes to the sign-in page (the error page does that), not into a notice.
    if (status === 500 || status === 401) throw e;
    return { ok: false, message: err.message, status: status as RefusalStatus };
  }
}
