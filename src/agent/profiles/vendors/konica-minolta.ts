import { CounterKind, CounterUnit } from "../../../gen/dca/v1/reading_pb.ts";
import type { Profile } from "../profile.ts";

/** The bizhub counter group (KONICA MINOLTA private MIB, ...18334.1.1.1.5.7.2). */
const C = "1.3.6.1.4.1.18334.1.1.1.5.7.2";

/**
 * Konica Minolta bizhub and its Develop brand (enterprise 18334).
 *
 * Meters: the total and duplex counters, and the copy/print by black/colour
 * table `${C}.2.1.5.<colour>.<function>` (colour 1 black, 2 colour; function
 * 1 copy, 2 print), as read by glpi-agent and LibreNMS. Scans: LibreNMS's
 * "Scan" is the total group's `${C}.1.5.0` (includes/discovery/sensors/count/
 * konica.inc.php, which also lists `${C}.3.1.5.1` as an alternative), glpi-agent's
 * SCANNED is `${C}.3.1.5.1` (Konica.pm). Both are read, each under its own name:
 * the first is the scan total, the second is kept as OTHER so that a device that
 * answers both is not counted twice.
 */
export const konicaMinolta: Profile = {
  id: "konica-minolta",
  vendor: "Konica Minolta",
  sysObjectId: ["1.3.6.1.4.1.18334"],
  sysDescr: [/^KONICA MINOLTA/i, /^Develop /i],
  brands: [{ pattern: /^Develop\b/i, brand: "Develop" }],
  // The model name as the device shows it (a Develop ineo may report a bizhub sysDescr).
  model: [{ from: "1.3.6.1.4.1.18334.1.1.1.1.6.2.1.0" }, { from: "sysDescr", pattern: /^(?:KONICA MINOLTA|Develop) (.+)$/i }],
  counters: [
    { oid: `${C}.1.1.0`, kind: CounterKind.TOTAL, name: "total" },
    { oid: `${C}.1.3.0`, kind: CounterKind.DUPLEX, name: "total-duplex" },
    { oid: `${C}.1.5.0`, kind: CounterKind.SCAN, name: "total-scan", unit: CounterUnit.SCANS },
    { oid: `${C}.3.1.5.1`, kind: CounterKind.OTHER, name: "scan-function-total", unit: CounterUnit.SCANS },
    { oid: `${C}.2.1.5.1.1`, kind: CounterKind.COPY_MONO, name: "copy-black" },
    { oid: `${C}.2.1.5.2.1`, kind: CounterKind.COPY_COLOR, name: "copy-color" },
    { oid: `${C}.2.1.5.1.2`, kind: CounterKind.PRINT_MONO, name: "print-black" },
    { oid: `${C}.2.1.5.2.2`, kind: CounterKind.PRINT_COLOR, name: "print-color" },
  ],
};
