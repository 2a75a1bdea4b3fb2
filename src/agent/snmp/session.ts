/**
 * The SNMP boundary the rest of the agent talks to. Only the files in this
 * folder know that net-snmp exists; readers, profiles and tests depend on
 * this interface, so a recorded walk or a fake can stand in for a device.
 */
import { DcaError } from "../../common/errors.ts";
import type { VarBind } from "./message.ts";

export type { VarBind } from "./message.ts";

/** What a walk returned, and why it stopped early if it did. */
export interface WalkResult {
  varbinds: VarBind[];
  /** Set when the walk stopped for a reason other than leaving the subtree. */
  stopped?: string;
}

/** Where a session's requests go. */
export interface SessionTarget {
  /** IP address (v4 or v6) or hostname. */
  host: string;
  port: number;
  timeoutMs: number;
  retries: number;
}

export interface WalkOptions {
  /** Stop after this many rows (oversize or runaway tables). */
  maxRows?: number;
  /** GETBULK max-repetitions (v2c/v3). */
  maxRepetitions?: number;
}

export interface SnmpSession {
  /** GET; missing objects come back as noSuchObject/noSuchInstance varbinds, never as errors. */
  get(oids: readonly string[]): Promise<VarBind[]>;
  getNext(oids: readonly string[]): Promise<VarBind[]>;
  /** GETBULK (v2c/v3); rows come back flat, in response order. */
  getBulk(oids: readonly string[], nonRepeaters: number, maxRepetitions: number): Promise<VarBind[]>;
  /** Every object strictly under `root`, in order; stops cleanly on loops and endOfMibView. */
  walk(root: string, options?: WalkOptions): Promise<WalkResult>;
  /** Requests sent so far (retries not counted). */
  readonly requestCount: number;
  readonly version: 1 | 2 | 3;
  close(): void;
}

/**
 * The one error type of the SNMP layer. Its codes: `deadline-exceeded` (no
 * response), `unauthenticated` (v3 user, digest or key refused),
 * `resource-exhausted` (tooBig), `malformed` (a response that does not
 * decode), `canceled` (the session was closed), `unavailable` (anything else
 * the device or the socket answered).
 */
export class SnmpError extends DcaError {
  override name = "SnmpError";

  /** Keeps an SnmpError; sorts what net-snmp threw by its name, status and words. */
  static override from(e: unknown): SnmpError {
    if (e instanceof SnmpError) return e;
    const err = e as { name?: string; message?: string; status?: number };
    const msg = err?.message ?? String(e);
    if (err?.name === "RequestTimedOutError") return new SnmpError("deadline-exceeded", "no response (timed out)");
    // A value net-snmp-guard.ts refused, inside a PDU that decrypted (net-snmp words it "Failed to decrypt PDU").
    const refused = /unreadable value: (.*)$/.exec(msg);
    if (refused) return new SnmpError("malformed", `unreadable response: ${refused[1]}`);
    if (/digest|authentic|Unknown User|Unsupported Security|decrypt|Wrong Digest|Not In Time/i.test(msg)) {
      return new SnmpError("unauthenticated", msg);
    }
    if (err?.name === "RequestFailedError" && err.status === 1) return new SnmpError("resource-exhausted", msg);
    if (err?.name === "ResponseInvalidError") return new SnmpError("malformed", msg);
    return new SnmpError("unavailable", msg);
  }
}

/** The reason of the SnmpError a request gets once its read's budget is spent (read-budget.ts). */
export const BUDGET_STOP = "read-budget";

/** True for a stop by the read's budget: a walk ends on it, keeping its rows, and names the limit. */
export function isBudgetStop(e: unknown): boolean {
  return e instanceof SnmpError && e.reason === BUDGET_STOP;
}

/** True for the three "no value here" exceptions and NULL. */
export function isException(vb: VarBind): boolean {
  return vb.tag === 0x80 || vb.tag === 0x81 || vb.tag === 0x82 || vb.tag === 0x05;
}
