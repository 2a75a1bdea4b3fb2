/**
 * One reading, one TOTAL: the meter a dealer bills from. Several sources
 * may offer a lifetime total (the vendor's counter page, the PWG imaging
 * counters, prtMarkerLifeCount); the most specific wins and the others stay
 * in the reading as OTHER under their own names and OIDs, so nothing read
 * is lost and nothing is counted twice.
 */
import { type Counter, CounterKind } from "../../gen/dca/v1/reading_pb.ts";
import { counterMessage } from "./reading-messages.ts";
import { PWG_COUNTER_ROOT } from "./pwg-counters.ts";
import { OID } from "./oids.ts";

/** Lower is preferred: the vendor's own total, then PWG, then the Printer-MIB. */
function rank(c: Counter): number {
  if (c.oid.startsWith(`${OID.prtMarkerEntry}.`)) return 2;
  if (c.oid.startsWith(`${PWG_COUNTER_ROOT}.`)) return 1;
  return 0;
}

export function electBillingTotal(counters: readonly Counter[]): Counter[] {
  const totals = counters.filter((c) => c.kind === CounterKind.TOTAL);
  if (totals.length <= 1) return [...counters];
  const best = Math.min(...totals.map(rank));
  const winner = totals.find((c) => rank(c) === best);
  return counters.map((c) => (c.kind === CounterKind.TOTAL && c !== winner ? counterMessage({ ...c, kind: CounterKind.OTHER }) : c));
}
