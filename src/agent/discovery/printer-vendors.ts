/**
 * Which sysObjectIDs mean "printer", as data. A "strong" vendor makes
 * (almost) nothing but printers, so its enterprise arc alone is enough. A
 * "weak" vendor also makes switches, servers, projectors or POS terminals:
 * only its listed printer subtrees count, otherwise the device must answer
 * the Printer-MIB or report hrDevicePrinter.
 *
 * Sources:
 * - Enterprise numbers: the IANA Private Enterprise Numbers registry
 *   (iana.org/assignments/enterprise-numbers), as mirrored in Wireshark's
 *   enterprises.tsv. Checked one by one: 11 Hewlett-Packard, 236 Samsung
 *   Electronics, 253 Xerox, 297 Fuji Xerox, 314 Eastman Kodak, 367 RICOH,
 *   480 QMS, 641 Lexmark International, 674 Dell Inc., 683 Extended Systems,
 *   1129 Tec Corporation (Toshiba TEC), 1248 SEIKO EPSON, 1347 KYOCERA,
 *   1552 Océ Technologies, 1602 CANON Inc., 2001 Oki Data, 2364 Konica,
 *   2385 SHARP, 2435 Brother Industries, 3369 Genicom, 10642 Zebra
 *   Technologies, 10917 Datamax, 18334 KONICA MINOLTA HOLDINGS.
 *   3363 is Southern New England Telecommunications, not TSC, so TSC is not
 *   listed; Kodak's number exists but its printers are mostly OEM, so weak.
 * - HP subtrees: 1.3.6.1.4.1.11.2.3.9 is hp.nm.system.net-peripheral
 *   (Jetdirect; the hpnp MIB's 11.2.3.9.1.1.7.0 device-id and 11.2.3.9.4.2
 *   counters live there), while 11.2.3.7.11 is hpEtherSwitch (HP-ICF-OID,
 *   ProCurve/Aruba switches) and HP servers answer under Compaq (232).
 * - Dell: printers use 1.3.6.1.4.1.674.10898 (Dell laser sysObjectID
 *   674.10898.2.100.10 in the LibreNMS/Observium "dell-laser" definition,
 *   private printer MIB at 674.10898.100); servers are 674.10892 and
 *   switches 674.10895, so only 10898 counts.
 */

/** One vendor's rule. */
export interface PrinterVendor {
  enterprise: number;
  name: string;
  /** strong: the enterprise arc is enough; weak: only `printerSubtrees` (or device evidence) count. */
  strength: "strong" | "weak";
  /** Dotted OID prefixes of printers, for weak vendors. */
  printerSubtrees?: readonly string[];
  /** Why a vendor is weak. */
  note?: string;
}

const E = "1.3.6.1.4.1";

/** The vendor table, by enterprise number. */
export const PRINTER_VENDORS: readonly PrinterVendor[] = [
  { enterprise: 11, name: "HP", strength: "weak", printerSubtrees: [`${E}.11.2.3.9`], note: "also switches (11.2.3.7.11)" },
  { enterprise: 236, name: "Samsung", strength: "weak", note: "also phones, displays and network gear" },
  { enterprise: 253, name: "Xerox", strength: "strong" },
  { enterprise: 297, name: "Fuji Xerox", strength: "strong" },
  { enterprise: 314, name: "Kodak", strength: "weak", note: "cameras and scanners; printers are mostly OEM" },
  { enterprise: 367, name: "Ricoh", strength: "strong" },
  { enterprise: 480, name: "QMS", strength: "strong" },
  { enterprise: 641, name: "Lexmark", strength: "strong" },
  { enterprise: 674, name: "Dell", strength: "weak", printerSubtrees: [`${E}.674.10898`], note: "also servers (10892) and switches (10895)" },
  { enterprise: 683, name: "Extended Systems", strength: "weak", note: "print servers (e.g. older ZebraNet) and other products" },
  { enterprise: 1129, name: "Toshiba TEC", strength: "weak", note: "also POS terminals" },
  { enterprise: 1248, name: "Epson", strength: "weak", note: "also projectors" },
  { enterprise: 1347, name: "Kyocera", strength: "strong" },
  { enterprise: 1552, name: "Océ", strength: "strong" },
  { enterprise: 1602, name: "Canon", strength: "weak", note: "also network cameras and other devices" },
  { enterprise: 2001, name: "OKI", strength: "strong" },
  { enterprise: 2364, name: "Konica", strength: "strong" },
  { enterprise: 2385, name: "Sharp", strength: "strong" },
  { enterprise: 2435, name: "Brother", strength: "strong" },
  { enterprise: 3369, name: "Genicom", strength: "strong" },
  { enterprise: 10642, name: "Zebra", strength: "strong" },
  { enterprise: 10917, name: "Datamax", strength: "strong" },
  { enterprise: 18334, name: "Konica Minolta", strength: "strong" },
];

const byEnterprise = new Map(PRINTER_VENDORS.map((v) => [v.enterprise, v]));

/** The vendor whose enterprise arc `sysObjectId` lies under, if it is in the table. */
export function printerVendorOf(sysObjectId: string): PrinterVendor | undefined {
  const m = /^\.?1\.3\.6\.1\.4\.1\.(\d+)(\.|$)/.exec(sysObjectId);
  return m ? byEnterprise.get(Number(m[1])) : undefined;
}

/** True when `oid` equals `prefix` or lies under it. */
export function underPrefix(oid: string, prefix: string): boolean {
  const o = oid.startsWith(".") ? oid.slice(1) : oid;
  return o === prefix || (o.startsWith(prefix) && o.charCodeAt(prefix.length) === 46);
}
