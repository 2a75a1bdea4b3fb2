/**
 * Counters the simulator keeps per device, so tests and benchmarks can see
 * what was answered and why the rest was not.
 */

/** Datagram counts; every received datagram ends in exactly one of answered,
 * malformed, badCommunity, unsupported, silenced, lost and internalErrors. */
export interface SimStats {
  received: number;
  /** Responses (including v3 Reports) handed to the socket. */
  answered: number;
  /** Not BER, not SNMP, or not a well-formed request. */
  malformed: number;
  /** v1/v2c community (or community@context) not served by this device. */
  badCommunity: number;
  /** Well-formed but not answered: v1 GetBulk, Response/Trap PDUs, other security models, non-reportable failures. */
  unsupported: number;
  /** Dropped because the device is silent. */
  silenced: number;
  /** Dropped by simulated loss. */
  lost: number;
  /** Of `answered`, how many were v3 Reports. */
  reports: number;
  /** Sends the socket refused (e.g. after an ICMP error on Bun). */
  sendErrors: number;
  /** Requests that hit a simulator bug (anything thrown that is not a decoding error); tests expect 0. */
  internalErrors: number;
}

/** A zeroed counter set. */
export function createSimStats(): SimStats {
  return { received: 0, answered: 0, malformed: 0, badCommunity: 0, unsupported: 0, silenced: 0, lost: 0, reports: 0, sendErrors: 0, internalErrors: 0 };
}

/** Adds `from` into `into` and returns `into`. */
export function addSimStats(into: SimStats, from: Readonly<SimStats>): SimStats {
  for (const k of Object.keys(into) as (keyof SimStats)[]) into[k] += from[k];
  return into;
}
