import { CounterKind } from "../../../gen/dca/v1/reading_pb.ts";
import type { Profile } from "../profile.ts";

/**
 * Ricoh and the brands it sells under (RICOH-PRIVATE-MIB, enterprise 367).
 * Meters come from ricohEngCounterTable, whose rows are numbered by position
 * and differ per model: each row's type code (column 2) says what it counts.
 * Codes: glpi-agent MibSupport/Ricoh.pm, Checkmk printer_pages_ricoh (labels).
 */
export const ricoh: Profile = {
  id: "ricoh",
  vendor: "Ricoh",
  sysObjectId: ["1.3.6.1.4.1.367"],
  sysDescr: [/^(RICOH|SAVIN|LANIER|Gestetner|NRG|Rex-Rotary|Nashuatec|infotec)\b/i],
  brands: [
    { pattern: /^SAVIN\b/i, brand: "Savin" },
    { pattern: /^LANIER\b/i, brand: "Lanier" },
    { pattern: /^Gestetner\b/i, brand: "Gestetner" },
    { pattern: /^NRG\b/i, brand: "NRG" },
    { pattern: /^Rex-Rotary\b/i, brand: "Rex-Rotary" },
    { pattern: /^Nashuatec\b/i, brand: "Nashuatec" },
    { pattern: /^infotec\b/i, brand: "Infotec" },
  ],
  model: [{ from: "1.3.6.1.4.1.367.3.2.1.1.1.1.0" }, { from: "sysDescr", pattern: /^\S+ (.+?) [\d.]+ \// }],
  firmware: [{ from: "1.3.6.1.4.1.367.3.2.1.1.1.2.0" }],
  serial: [{ from: "1.3.6.1.4.1.367.3.2.1.2.1.4.0" }],
  codedCounterTables: [
    {
      // ricohEngCounterEntry: .2 ricohEngCounterType, .5 ricohEngCounterName, .9 ricohEngCounterValue.
      entry: "1.3.6.1.4.1.367.3.2.1.2.19.5.1",
      valueColumn: 9,
      codeColumn: 2,
      nameColumn: 5,
      codes: {
        "10": { kind: CounterKind.TOTAL, name: "machine-total" },
        "200": { kind: CounterKind.COPY, name: "copy-total" },
        "201": { kind: CounterKind.COPY_MONO, name: "copy-black-white" },
        "202": { kind: CounterKind.OTHER, name: "copy-single-two-color" },
        "203": { kind: CounterKind.COPY_COLOR, name: "copy-full-color" },
        "300": { kind: CounterKind.FAX, name: "fax-total" },
        "301": { kind: CounterKind.FAX_MONO, name: "fax-black-white" },
        "400": { kind: CounterKind.PRINT, name: "print-total" },
        "401": { kind: CounterKind.PRINT_MONO, name: "print-black-white" },
        "402": { kind: CounterKind.OTHER, name: "print-single-two-color" },
        "403": { kind: CounterKind.PRINT_COLOR, name: "print-full-color" },
        "608": { kind: CounterKind.COLOR, name: "total-prints-color" },
        "609": { kind: CounterKind.MONO, name: "total-prints-black-white" },
        "700": { kind: CounterKind.LARGE_FORMAT, name: "large-paper-prints" },
        "701": { kind: CounterKind.DUPLEX, name: "duplex-sides" },
        "870": { kind: CounterKind.SCAN, name: "transmission-total" },
      },
    },
  ],
  // ricohEngTonerLevel: percent remaining where the Printer-MIB only says -3 or -100.
  privateLevel: {
    column: "1.3.6.1.4.1.367.3.2.1.2.24.1.1.5",
    whenLevel: [-3, -100],
    basis: "Ricoh private toner level (ricohEngTonerLevel)",
  },
};
