import { CounterKind } from "../../../gen/dca/v1/reading_pb.ts";
import type { Profile } from "../profile.ts";

/** scmHrDevCountTable entry (SAMSUNG-HOST-RESOURCES-EXT-MIB): .2 job type, .3 media size, .6 colour, .7 value. */
const COUNT = "1.3.6.1.4.1.236.11.5.11.53.11.2.1";
/** scmHrDevCountJobType values. */
const JOB = { print: 1, copy: 2, faxIn: 3, faxOut: 4, scan: 5, report: 6 } as const;

/**
 * Samsung printers (enterprise 236, printer subtree 236.11). Dell models built
 * by Samsung answer Samsung's sysObjectID and keep the Dell label.
 *
 * Meters from scmHrDevCountTable (SAMSUNG-HOST-RESOURCES-EXT-MIB,
 * 236.11.5.11.53.11.2.1): one row per job type x media size x duplex x colour,
 * so a counter-page meter is the sum of the rows of its job type. A published
 * walk with its counter page (test/fixtures/profiles/samsung-m4070.md) ties
 * copy and report rows to the page and the page's total to print + copy +
 * report. Colour splits (column .6) are not read: no walk shows that column.
 * The scalars some tools read under 236.11.5.11.53.11.1 are undefined in the
 * MIB and are not used.
 */
export const samsung: Profile = {
  id: "samsung",
  vendor: "Samsung",
  sysObjectId: ["1.3.6.1.4.1.236.11"],
  sysDescr: [/^Samsung (CLX|ML|SCX|CLP|SL|M|C|K|X)/i],
  brands: [{ pattern: /^Dell\b/i, brand: "Dell" }],
  model: [{ from: "sysDescr", pattern: /^(?:Samsung|Dell) (\S+)/i }],
  serial: [{ from: "sysDescr", pattern: /S\/N (\S+)/ }],
  firmware: [{ from: "sysDescr", pattern: /(?:;V| OS )([\d.]+)/ }],
  summedCounterTables: [
    {
      entry: COUNT,
      valueColumn: 7,
      meters: [
        { kind: CounterKind.TOTAL, name: "print + copy + report", where: { 2: [JOB.print, JOB.copy, JOB.report] } },
        { kind: CounterKind.PRINT, name: "print", where: { 2: [JOB.print] } },
        { kind: CounterKind.COPY, name: "copy", where: { 2: [JOB.copy] } },
        { kind: CounterKind.FAX_RECEIVE, name: "fax in", where: { 2: [JOB.faxIn] } },
        { kind: CounterKind.FAX_SEND, name: "fax out", where: { 2: [JOB.faxOut] } },
        { kind: CounterKind.SCAN, name: "scan", where: { 2: [JOB.scan] } },
        { kind: CounterKind.OTHER, name: "report", where: { 2: [JOB.report] } },
      ],
    },
  ],
};
