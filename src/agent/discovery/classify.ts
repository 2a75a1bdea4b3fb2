/**
 * Is a device that answered the probe a printer? Decided from its
 * sysObjectID when that is conclusive (printer-vendors.ts), otherwise from
 * a follow-up query: an answer under the Printer-MIB (1.3.6.1.2.1.43) or an
 * hrDeviceType of hrDevicePrinter. Non-printers are skipped with the reason
 * and never read.
 */
import { Tag } from "../../common/ber.ts";
import type { VarBind } from "../snmp/message.ts";
import { printerVendorOf, underPrefix } from "./printer-vendors.ts";
import type { ProbeAnswer } from "./sweep.ts";

/** The follow-up query boundary: GET, and GETNEXT when the transport has it. */
export interface SnmpGetter {
  /** One varbind per OID, in order; a missing object comes back as noSuchObject/noSuchInstance, not as an error. */
  get(oids: readonly string[]): Promise<VarBind[]>;
  /** The next object after each OID (endOfMibView past the end). */
  next?(oids: readonly string[]): Promise<VarBind[]>;
}

/** The verdict, with a reason a person can read in a scan report. */
export interface Classification {
  printer: boolean;
  reason: string;
}

export const PRINTER_MIB = "1.3.6.1.2.1.43";
export const PRT_GENERAL_PRINTER_NAME_1 = "1.3.6.1.2.1.43.5.1.1.16.1";
export const PRT_GENERAL_CONFIG_CHANGES_1 = "1.3.6.1.2.1.43.5.1.1.1.1";
export const PRT_MARKER_LIFE_COUNT_1_1 = "1.3.6.1.2.1.43.10.2.1.4.1.1";
export const HR_DEVICE_TYPE = "1.3.6.1.2.1.25.3.2.1.2";
export const HR_DEVICE_PRINTER = "1.3.6.1.2.1.25.3.1.5";

const NAMES: Record<string, string> = {
  [PRT_GENERAL_PRINTER_NAME_1]: "prtGeneralPrinterName.1",
  [PRT_GENERAL_CONFIG_CHANGES_1]: "prtGeneralConfigChanges.1",
  [PRT_MARKER_LIFE_COUNT_1_1]: "prtMarkerLifeCount.1.1",
  [`${HR_DEVICE_TYPE}.1`]: "hrDeviceType.1",
};
/** hrDevice rows looked at with GETNEXT: the printer is nearly always among the first few. */
const HR_DEVICE_ROWS = 8;

const present = (vb: VarBind | undefined): vb is VarBind =>
  vb !== undefined && vb.tag !== Tag.NoSuchObject && vb.tag !== Tag.NoSuchInstance && vb.tag !== Tag.EndOfMibView && vb.tag !== Tag.Null;

/**
 * Classifies a probe answer. Without a getter only the sysObjectID can
 * speak; a getter that fails makes the device "not a printer" with the
 * failure as the reason (a recorded result, not a thrown sweep).
 */
export async function classifyDevice(
  answer: Pick<ProbeAnswer, "version" | "sysObjectId">,
  getter?: SnmpGetter,
): Promise<Classification> {
  const oid = answer.sysObjectId;
  const vendor = oid ? printerVendorOf(oid) : undefined;
  if (oid && vendor?.strength === "strong") {
    return { printer: true, reason: `sysObjectID ${oid} is under ${vendor.name} (enterprise ${vendor.enterprise})` };
  }
  const subtree = oid && vendor?.printerSubtrees?.find((p) => underPrefix(oid, p));
  if (oid && vendor && subtree) {
    return { printer: true, reason: `sysObjectID ${oid} is under ${vendor.name}'s printer subtree ${subtree}` };
  }
  if (answer.version === "v3" && !getter) {
    return { printer: false, reason: "answers only SNMPv3; classifying it needs v3 credentials" };
  }
  const weak = vendor ? `${vendor.name} (enterprise ${vendor.enterprise}) also makes non-printers: ${vendor.note}` : undefined;
  const what = oid ? `sysObjectID ${oid}${weak ? `: ${weak}` : " is not a known printer vendor"}` : "no sysObjectID";
  if (!getter) return { printer: false, reason: `${what}; no follow-up query was possible` };

  try {
    const evidence = await deviceEvidence(getter);
    if (evidence) return { printer: true, reason: `${evidence}${oid ? ` (sysObjectID ${oid})` : ""}` };
  } catch (e) {
    return { printer: false, reason: `${what}; the follow-up query failed: ${(e as Error).message}` };
  }
  return { printer: false, reason: `${what}, and it answers neither the Printer-MIB nor hrDeviceType = hrDevicePrinter` };
}

/** A reason string when the device itself says it is a printer, else undefined. */
async function deviceEvidence(getter: SnmpGetter): Promise<string | undefined> {
  const oids = [PRT_GENERAL_PRINTER_NAME_1, PRT_MARKER_LIFE_COUNT_1_1, PRT_GENERAL_CONFIG_CHANGES_1, `${HR_DEVICE_TYPE}.1`];
  const got = await getter.get(oids);
  for (let i = 0; i < 3; i++) {
    if (present(got[i]) && underPrefix(got[i].oid, PRINTER_MIB)) return `answers the Printer-MIB (${NAMES[oids[i]]})`;
  }
  if (isPrinterType(got[3])) return "hrDeviceType.1 is hrDevicePrinter";
  if (!getter.next) return undefined;

  // Printer-MIB rows may be indexed other than 1, and the printer need not be hrDevice 1.
  const [first] = await getter.next([PRINTER_MIB]);
  if (present(first) && underPrefix(first.oid, PRINTER_MIB)) return `answers the Printer-MIB (${first.oid})`;
  let at = HR_DEVICE_TYPE;
  for (let row = 0; row < HR_DEVICE_ROWS; row++) {
    const [vb] = await getter.next([at]);
    if (!present(vb) || !underPrefix(vb.oid, HR_DEVICE_TYPE)) break;
    if (isPrinterType(vb)) return `hrDeviceType.${vb.oid.slice(HR_DEVICE_TYPE.length + 1)} is hrDevicePrinter`;
    at = vb.oid;
  }
  return undefined;
}

function isPrinterType(vb: VarBind | undefined): boolean {
  return vb !== undefined && vb.tag === Tag.Oid && vb.value === HR_DEVICE_PRINTER;
}
