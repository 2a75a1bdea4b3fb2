/**
 * One row of `dca doctor`: what was checked, whether it passed, and for a
 * failure what the customer's IT team should open or change. Each check is
 * bounded in time: one that does not finish is a failure that says so,
 * never a hang.
 */

/** "skip": not checked, with the reason (nothing to check, or a check this build does not have yet). */
export type CheckStatus = "pass" | "fail" | "skip";

/** What a check found. */
export interface CheckOutcome {
  status: CheckStatus;
  /** What was found, in words (for a failure: what failed). Never a secret. */
  message: string;
  /** For a failure: what to open, allow or change. */
  action?: string;
}

/** A row of the doctor's table. */
export interface CheckResult extends CheckOutcome {
  /** Stable, for --json and scripts: "hub-tls", "mqtt-wss"... */
  id: string;
  /** The row's name in the table: "TLS to the hub". */
  title: string;
}

/** Shorthands for the outcomes. */
export const pass = (message: string): CheckOutcome => ({ status: "pass", message });
export const skip = (message: string): CheckOutcome => ({ status: "skip", message });
export const fail = (message: string, action?: string): CheckOutcome => ({ status: "fail", message, ...(action ? { action } : {}) });

/** What a check gets: a deadline to give the network calls it makes. */
export interface CheckContext {
  /** The time the check has, in ms; its network calls use it as their timeout. */
  timeoutMs: number;
  signal: AbortSignal;
}

/** The default time one check has. */
export const CHECK_TIMEOUT_MS = 4_000;

/**
 * Runs one check within `timeoutMs` (and a little grace for its own timeout
 * to be the one reported). A check that throws fails with the error's
 * message; one that overruns fails with `onTimeout`.
 */
export async function runCheck(
  id: string,
  title: string,
  check: (ctx: CheckContext) => Promise<CheckOutcome> | CheckOutcome,
  opts: { timeoutMs?: number; onTimeout?: CheckOutcome } = {},
): Promise<CheckResult> {
  const timeoutMs = opts.timeoutMs ?? CHECK_TIMEOUT_MS;
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const overrun = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve(opts.onTimeout ?? fail(`no result within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs + 500);
  });
  try {
    const outcome = await Promise.race([Promise.resolve().then(() => check({ timeoutMs, signal: abort.signal })), overrun]);
    return { id, title, ...outcome };
  } catch (e) {
    return { id, title, ...fail((e as Error).message || String(e)) };
  } finally {
    clearTimeout(timer);
  }
}

/** A row for a check that was not run because `blocker` failed first. */
export function blocked(id: string, title: string, blocker: string): CheckResult {
  return { id, title, status: "skip", message: `not checked: ${blocker} failed` };
}
