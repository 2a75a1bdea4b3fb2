/**
 * What one device's read may cost: requests, octets received and time. A
 * broken or hostile agent (one that answers every request with a longer
 * OID, a table that never ends, an answer every half second) must not hold
 * a pass's memory or its schedule. Every session of one read (each
 * credential tried, the walks, the GETs, the vendor context) goes through
 * one budget; once a limit is reached every further request fails at once
 * with a stop that the walks keep as the reason they ended, so the reading
 * keeps what was read and names the limit, never a silently partial table.
 */
import { type Clock, systemClock } from "../../common/clock.ts";
import type { VarBind } from "./message.ts";
import { BUDGET_STOP, SnmpError, type SnmpSession } from "./session.ts";
import { walkSubtree } from "./walk.ts";

/** The limits of one device's read. */
export interface ReadLimits {
  /** Requests sent, over every session of the read. */
  maxRequests: number;
  /** Octets of OIDs and values received. */
  maxBytes: number;
  /** Wall-clock time from the read's start (`snmp.readDeadline`). */
  deadlineMs: number;
}

/**
 * The defaults, far above any real printer: a read takes 6-14 requests over
 * SNMPv2c and under 2 s on a LAN (test/bench/read/README.md); SNMPv1 has no
 * GETBULK and needs a request per value, a few hundred for a large MFP;
 * the values of a whole reading are tens of KB. Reached, they stop a device
 * that would otherwise send 10,000 rows of each of a dozen tables
 * (thousands of requests) or answer each request after a long wait.
 */
export const READ_LIMITS: ReadLimits = { maxRequests: 5_000, maxBytes: 2 * 1024 * 1024, deadlineMs: 60_000 };

/** A read's budget: wrap each of its sessions; `exceeded` says which limit stopped it. */
export interface ReadBudget {
  /** `session` with each request counted and cut off at the deadline. */
  wrap(session: SnmpSession): SnmpSession;
  /** The limit reached, as a ReadProblem message; undefined while within the budget. */
  readonly exceeded: string | undefined;
  /** Ends the deadline's timer (call when the read ends). */
  close(): void;
}

/** Octets a varbind took, near enough: its OID's text and its value's content. */
function sizeOf(vb: VarBind): number {
  const v = vb.value;
  return vb.oid.length + (v instanceof Uint8Array || typeof v === "string" ? v.length : 8);
}

const mib = (n: number) => `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) ? 1 : 0)} MiB`;

/** Starts a budget; the deadline runs from now. */
export function createReadBudget(limits: ReadLimits = READ_LIMITS, clock: Clock = systemClock): ReadBudget {
  let exceeded: { code: "resource-exhausted" | "deadline-exceeded"; message: string } | undefined;
  let requests = 0;
  let bytes = 0;
  let expire!: (e: SnmpError) => void;
  const expired = new Promise<never>((_, reject) => (expire = reject));
  expired.catch(() => {});
  const stopError = () => new SnmpError(exceeded!.code, exceeded!.message, { reason: BUDGET_STOP });
  const stop = (code: "resource-exhausted" | "deadline-exceeded", what: string) => {
    exceeded ??= { code, message: `read stopped at its limit of ${what}; the values read before it are kept, the rest of this device's data is missing` };
  };
  const cancelTimer = clock.setTimer(() => {
    stop("deadline-exceeded", `${limits.deadlineMs / 1000} s per device (snmp.readDeadline)`);
    expire(stopError());
  }, limits.deadlineMs);

  const spend = async (call: () => Promise<VarBind[]>): Promise<VarBind[]> => {
    if (exceeded) throw stopError();
    if (++requests > limits.maxRequests) {
      stop("resource-exhausted", `${limits.maxRequests} requests per device`);
      throw stopError();
    }
    const vbs = await Promise.race([call(), expired]);
    for (const vb of vbs) bytes += sizeOf(vb);
    // What arrived is kept; the next request is refused.
    if (bytes > limits.maxBytes) stop("resource-exhausted", `${mib(limits.maxBytes)} of values per device`);
    return vbs;
  };

  return {
    get exceeded() {
      return exceeded?.message;
    },
    wrap(inner) {
      const session: SnmpSession = {
        version: inner.version,
        get requestCount() {
          return inner.requestCount;
        },
        get: (oids) => spend(() => inner.get(oids)),
        getNext: (oids) => spend(() => inner.getNext(oids)),
        getBulk: (oids, n, m) => spend(() => inner.getBulk(oids, n, m)),
        walk: (root, options) => walkSubtree(session, root, options),
        close: () => inner.close(),
      };
      return session;
    },
    close: cancelTimer,
  };
}
