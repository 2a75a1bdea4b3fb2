import { CounterKind } from "../../../gen/dca/v1/reading_pb.ts";
import type { Profile } from "../profile.ts";

/** TOSHIBA TEC label-printer identity group (bcpGeneral / bcpDevice, as read by glpi-agent). */
const BCP = "1.3.6.1.4.1.1129.1.2.1.1.1";

/**
 * e-STUDIO print counters: `${METER}.<function>.1.<colour mode>`. Functions:
 * 2 all functions, 3 printer, 4 copy. Colour modes: 1 full colour, 2 twin
 * colour, 3 black, 4 their total. Sources in
 * test/fixtures/profiles/toshiba-e-studio3015ac.md; functions whose number
 * the sources disagree on (fax, scan, list, the paper-size rows) are not read.
 */
const METER = "1.3.6.1.4.1.1129.2.3.50.1.3.21.6.1";

/**
 * Toshiba TEC e-STUDIO and label printers (enterprise 1129). Label printers
 * do not answer the e-STUDIO meters; they keep the Printer-MIB total.
 */
export const toshibaTec: Profile = {
  id: "toshiba-tec",
  vendor: "Toshiba",
  sysObjectId: ["1.3.6.1.4.1.1129"],
  sysDescr: [/^TOSHIBA (e-STUDIO|TEC)/i],
  model: [{ from: "sysDescr", pattern: /^TOSHIBA (?:TEC )?(.+)$/i }, { from: `${BCP}.2.1.0` }],
  serial: [{ from: `${BCP}.1.1.0` }],
  counters: [
    { oid: `${METER}.2.1.4`, kind: CounterKind.TOTAL, name: "total" },
    { oid: `${METER}.2.1.1`, kind: CounterKind.COLOR, name: "total-full-color" },
    { oid: `${METER}.2.1.2`, kind: CounterKind.TWO_COLOR, name: "total-twin-color" },
    { oid: `${METER}.2.1.3`, kind: CounterKind.MONO, name: "total-black" },
    { oid: `${METER}.3.1.4`, kind: CounterKind.PRINT, name: "printer-total" },
    { oid: `${METER}.3.1.1`, kind: CounterKind.PRINT_COLOR, name: "printer-full-color" },
    // Twin colour per function has no meter kind of its own.
    { oid: `${METER}.3.1.2`, kind: CounterKind.OTHER, name: "printer-twin-color" },
    { oid: `${METER}.3.1.3`, kind: CounterKind.PRINT_MONO, name: "printer-black" },
    { oid: `${METER}.4.1.4`, kind: CounterKind.COPY, name: "copy-total" },
    { oid: `${METER}.4.1.1`, kind: CounterKind.COPY_COLOR, name: "copy-full-color" },
    { oid: `${METER}.4.1.2`, kind: CounterKind.OTHER, name: "copy-twin-color" },
    { oid: `${METER}.4.1.3`, kind: CounterKind.COPY_MONO, name: "copy-black" },
  ],
};
