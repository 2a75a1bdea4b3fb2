/**
 * Pulls a sweep's targets into free slots one at a time. A TargetSet's
 * IPv4 spans are walked as numbers, so admitting a target allocates
 * nothing (a /16 at 100,000 packets/s otherwise leaves tens of megabytes
 * of short-lived objects and strings for the collector); anything else
 * (IPv6, a plain list of targets) goes through the iterator.
 */
import { formatIpv6 } from "../../common/ip-address.ts";
import type { SlotTable } from "./slot-table.ts";
import type { Target, TargetSpan } from "./targets.ts";

/** What a sweep accepts: any targets; a TargetSet adds its count (for the ETA) and its spans. */
export type SweepTargets = Iterable<Target> & { count?: number; spans?(): readonly TargetSpan[] };

/** The next target into a slot of `table`: the slot, or -1 when the targets are exhausted. Call only when a slot is free. */
export type TargetFeed = (table: SlotTable) => number;

export function createTargetFeed(targets: SweepTargets): TargetFeed {
  if (!targets.spans) {
    const it = targets[Symbol.iterator]();
    return (table) => {
      const next = it.next();
      return next.done ? -1 : table.take(next.value);
    };
  }
  const spans = targets.spans();
  let i = -1;
  let at = 0;
  let end = -1;
  let big = 0n;
  return (table) => {
    while (i < spans.length) {
      const sp = i >= 0 ? spans[i] : undefined;
      if (sp?.family === 4 && at <= end) return table.takeV4(at++, sp.port);
      if (sp?.family === 6 && big <= sp.end) return table.take({ address: formatIpv6(big++), port: sp.port, family: 6 });
      if (++i >= spans.length) break;
      const next = spans[i];
      at = Number(next.start);
      end = Number(next.end);
      big = next.start;
    }
    return -1;
  };
}
