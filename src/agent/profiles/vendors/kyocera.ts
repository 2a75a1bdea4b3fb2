import { CounterKind, CounterUnit } from "../../../gen/dca/v1/reading_pb.ts";
import type { Profile } from "../profile.ts";

const K = "1.3.6.1.4.1.1347";
/** Printed pages by function and colour mode: `${FUNCTION_COLOUR}.<function>.<colour>`. */
const FUNCTION_COLOUR = `${K}.42.3.1.2.1.1`;

/**
 * Kyocera and its OEM brands (KYOCERA-MIB, enterprise 1347).
 *
 * Meters are the ones on the device's counter page: printed pages per function
 * (1 printer, 2 copy, 4 fax) and colour mode (1 black & white, 3 full colour),
 * and the printed total kcprtMarkerServiceCount, which is their sum. Checked
 * against a TASKalfa 6052ci web page by PrintMaster (see
 * test/fixtures/profiles/kyocera.md). prtMarkerLifeCount is larger than that
 * total on real devices, so the vendor total is what a dealer bills.
 * Single-colour mode (colour 2) is not read: no meter kind names it per function.
 */
export const kyocera: Profile = {
  id: "kyocera",
  vendor: "Kyocera",
  sysObjectId: [K],
  sysDescr: [/^KYOCERA/i, /^UTAX/i, /^TA Triumph-Adler/i, /^Copystar/i],
  brands: [
    // UTAX and TA Triumph-Adler share firmware; a device saying "UTAX_TA" may be either.
    { pattern: /^UTAX_TA(?![A-Za-z0-9])/i, brand: "UTAX / TA Triumph-Adler" },
    { pattern: /^UTAX(?![A-Za-z0-9_])/i, brand: "UTAX" },
    { pattern: /^TA\b|Triumph-Adler/i, brand: "TA Triumph-Adler" },
    { pattern: /^Copystar\b/i, brand: "Copystar" },
  ],
  model: [{ from: `${K}.43.5.1.1.1.1` }],
  serial: [{ from: `${K}.43.5.1.1.28.1` }],
  firmware: [{ from: `${K}.43.5.4.1.5.1.1` }],
  counters: [
    { oid: `${K}.43.10.1.1.12.1.1`, kind: CounterKind.TOTAL, name: "printed-total" },
    { oid: `${FUNCTION_COLOUR}.1.1`, kind: CounterKind.PRINT_MONO, name: "printer-black-white" },
    { oid: `${FUNCTION_COLOUR}.1.3`, kind: CounterKind.PRINT_COLOR, name: "printer-full-color" },
    { oid: `${FUNCTION_COLOUR}.2.1`, kind: CounterKind.COPY_MONO, name: "copy-black-white" },
    { oid: `${FUNCTION_COLOUR}.2.3`, kind: CounterKind.COPY_COLOR, name: "copy-full-color" },
    { oid: `${FUNCTION_COLOUR}.4.1`, kind: CounterKind.FAX_MONO, name: "fax-black-white" },
    // Scanned originals by function; "other" is scan to e-mail, folder, USB and the like.
    { oid: `${K}.42.3.1.3.1.1.2`, kind: CounterKind.SCAN_COPY, name: "scanned-copy", unit: CounterUnit.SCANS },
    { oid: `${K}.42.3.1.3.1.1.4`, kind: CounterKind.SCAN_FAX, name: "scanned-fax", unit: CounterUnit.SCANS },
    { oid: `${K}.42.3.1.4.1.1.1`, kind: CounterKind.OTHER, name: "scanned-other", unit: CounterUnit.SCANS },
  ],
};
