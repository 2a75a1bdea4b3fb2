import { CounterKind } from "../../../gen/dca/v1/reading_pb.ts";
import type { Profile } from "../profile.ts";

/**
 * Canon imageRUNNER / i-SENSYS / LBP (enterprise 1602). Meters are the
 * service-mode counter codes (101 "Total 1", 108 "Total (Black 1)"...), one
 * OID per code under 1.3.6.1.4.1.1602.1.11.1.3.1.4.<code>; each model answers
 * its own subset. Codes: glpi-agent MibSupport/Canon.pm, Checkmk
 * printer_pages_canon, Canon imagePRESS C800 service guide (soft counters).
 */
export const canon: Profile = {
  id: "canon",
  vendor: "Canon",
  sysObjectId: ["1.3.6.1.4.1.1602"],
  sysDescr: [/^Canon /],
  model: [{ from: "sysDescr", pattern: /^Canon (.+?)(?: \/P)?$/ }, { from: "1.3.6.1.4.1.1602.1.1.1.1.0" }],
  firmware: [{ from: "1.3.6.1.4.1.1602.1.1.1.4.0" }],
  // canServInfoSerialNumberDeviceNumber
  serial: [{ from: "1.3.6.1.4.1.1602.1.2.1.8.1.3.1.1" }],
  codedCounterTables: [
    {
      entry: "1.3.6.1.4.1.1602.1.11.1.3.1",
      valueColumn: 4,
      codes: {
        "101": { kind: CounterKind.TOTAL, name: "total-1" },
        // "2" counters count a large sheet twice: not the billing total, kept under their own name.
        "102": { kind: CounterKind.OTHER, name: "total-2" },
        "108": { kind: CounterKind.MONO, name: "total-black-1" },
        "109": { kind: CounterKind.OTHER, name: "total-black-2" },
        "112": { kind: CounterKind.OTHER, name: "total-black-large" },
        "113": { kind: CounterKind.OTHER, name: "total-black-small" },
        "122": { kind: CounterKind.OTHER, name: "total-color-large" },
        "123": { kind: CounterKind.OTHER, name: "total-color-small" },
        "301": { kind: CounterKind.PRINT, name: "print-total-1" },
        "501": { kind: CounterKind.SCAN, name: "scan-total-1" },
      },
    },
  ],
};
