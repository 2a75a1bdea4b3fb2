import { CounterKind } from "../../../gen/dca/v1/reading_pb.ts";
import type { Profile } from "../profile.ts";

/** Epson's page-count subtree (...1248.1.2.2.27), first printer. */
const P = "1.3.6.1.4.1.1248.1.2.2.27";

/**
 * Epson printers and scanners (enterprise 1248).
 *
 * Meters checked against the web page of an AM-C550 and a WF-C17590 by
 * PrintMaster: total, black and colour pages, and per function (1 print
 * from computer, 2 copy) the all-colour and colour counts of the table
 * `${P}.6.1.<column>.1.<function>` (column 4 all, 5 colour).
 */
export const epson: Profile = {
  id: "epson",
  vendor: "Epson",
  sysObjectId: ["1.3.6.1.4.1.1248"],
  sysDescr: [/^EPSON /i],
  model: [{ from: "1.3.6.1.4.1.1248.1.2.2.1.1.1.2.1" }],
  serial: [{ from: "1.3.6.1.4.1.1248.1.1.3.1.1.1.0" }, { from: "1.3.6.1.4.1.1248.1.2.2.1.1.1.5.1" }],
  counters: [
    { oid: `${P}.1.1.30.1.1`, kind: CounterKind.TOTAL, name: "total-pages" },
    { oid: `${P}.1.1.3.1.1`, kind: CounterKind.MONO, name: "black-white-pages" },
    { oid: `${P}.1.1.4.1.1`, kind: CounterKind.COLOR, name: "color-pages" },
    { oid: `${P}.6.1.4.1.1.1`, kind: CounterKind.PRINT, name: "print-from-computer" },
    { oid: `${P}.6.1.5.1.1.1`, kind: CounterKind.PRINT_COLOR, name: "print-from-computer-color" },
    { oid: `${P}.6.1.4.1.1.2`, kind: CounterKind.COPY, name: "copy" },
    { oid: `${P}.6.1.5.1.1.2`, kind: CounterKind.COPY_COLOR, name: "copy-color" },
  ],
};
