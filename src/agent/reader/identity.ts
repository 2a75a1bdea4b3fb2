/**
 * Who the device is: brand, model, serial, firmware, MAC. Vendor sources
 * come from the profile; HOST-RESOURCES-MIB, the IEEE 1284 device ID and the
 * Printer-MIB fill gaps. The model and firmware are the printer's: a sysDescr
 * that names a network card or print server is never taken as the model, and
 * the card's firmware goes to its own field.
 */
import { formatMac } from "../../common/text.ts";
import type { Profile } from "../profiles/index.ts";
import type { TextSource } from "../profiles/profile.ts";
import type { VarBind } from "../snmp/session.ts";
import { hpTextOf } from "./decoders/hp.ts";
import { modelOfDeviceId } from "./device-id.ts";
import { type Table, bytesOf, numberOf, rowIndexes, textOf } from "./values.ts";

export interface Identity {
  vendor: string;
  model: string;
  serialNumber: string;
  firmware: string;
  networkFirmware: string;
  macAddress: string;
}

export interface IdentityInputs {
  profile: Profile;
  sysDescr: string;
  /** Values of the profile's GET sources, by OID. */
  vendorValues: Map<string, VarBind>;
  devices: Table;
  general: Table;
  interfaces: Table;
  printerIndex: string;
  /** The IEEE 1284 device ID, when read (see needsDeviceId). */
  deviceId?: string;
}

/** Values that mean "nothing here" on real devices. */
const PLACEHOLDER = /^(|unknown|none|null|n\/a|-+|0+|not available|\?+)$/i;

function pick(sources: readonly TextSource[] | undefined, sysDescr: string, values: Map<string, VarBind>): string {
  for (const s of sources ?? []) {
    const raw = s.from === "sysDescr" ? sysDescr : s.decoder === "hp-pml" ? hpTextOf(values.get(s.from)) : textOf(values.get(s.from));
    if (!raw) continue;
    const m = s.pattern ? s.pattern.exec(raw) : null;
    const v = (s.pattern ? (m?.[1] ?? "") : raw).trim();
    if (!PLACEHOLDER.test(v)) return v;
  }
  return "";
}

/**
 * A sysDescr that describes the network card or print server in front of
 * the printer (Brother "NC-8300h", HP "ETHERNET MULTI-ENVIRONMENT" /
 * "JETDIRECT", OkiLAN, ZebraNet, Epson's "Scan Server"), not the printer.
 */
const NETWORK_CARD = /\bNC-\w|ETHERNET MULTI-ENVIRONMENT|JETDIRECT|OkiLAN|ZebraNet|print ?server|scan ?server/i;

/** True when `sysDescr` names a network card or print server rather than a printer model. */
export function namesNetworkCard(sysDescr: string): boolean {
  return NETWORK_CARD.test(sysDescr);
}

/** The model the profile's own sources or hrDeviceDescr give, before any fallback. */
function statedModel(x: IdentityInputs): string {
  return pick(x.profile.model, x.sysDescr, x.vendorValues) || textOf(x.devices.get(3)?.get(x.printerIndex));
}

/** True when only the IEEE 1284 device ID can still name the model: read it then (one GET). */
export function needsDeviceId(x: IdentityInputs): boolean {
  return !statedModel(x);
}

/** Removes a leading brand word and a trailing "series" from a model name. */
export function tidyModel(model: string, brands: readonly string[]): string {
  let m = model.trim();
  for (const b of brands) {
    if (b && m.toLowerCase().startsWith(`${b.toLowerCase()} `)) m = m.slice(b.length + 1).trim();
  }
  return m.replace(/\s+series$/i, "").trim();
}

function macOf(interfaces: Table): string {
  const rows = rowIndexes(interfaces, 6);
  // Prefer Ethernet (ifType 6) and wireless (71); fall back to any 6-octet address.
  for (const pass of [[6, 71, 117], []]) {
    for (const idx of rows) {
      const type = numberOf(interfaces.get(3)?.get(idx));
      if (pass.length && !pass.includes(type ?? 0)) continue;
      const mac = formatMac(bytesOf(interfaces.get(6)?.get(idx)) ?? new Uint8Array());
      if (mac) return mac;
    }
  }
  return "";
}

export function buildIdentity(x: IdentityInputs): Identity {
  const { profile, sysDescr, vendorValues } = x;
  let model = statedModel(x) || modelOfDeviceId(x.deviceId ?? "");
  const brandRule = profile.brands?.find((b) => b.pattern.test(sysDescr) || b.pattern.test(model));
  const vendor = brandRule?.brand ?? profile.vendor;
  if (!model && profile.id !== "generic" && !namesNetworkCard(sysDescr)) model = sysDescr;
  const brandWords = [vendor, profile.vendor, "HP", "Hewlett-Packard", "KONICA MINOLTA", "FUJI XEROX", "FUJIFILM"];
  model = tidyModel(model, brandWords);
  const standardSerial = textOf(x.general.get(17)?.get(x.printerIndex)) || textOf([...(x.general.get(17)?.values() ?? [])][0]);
  const serialNumber = PLACEHOLDER.test(standardSerial) ? pick(profile.serial, sysDescr, vendorValues) : standardSerial;
  return {
    vendor,
    model,
    serialNumber,
    firmware: pick(profile.firmware, sysDescr, vendorValues),
    networkFirmware: pick(profile.networkFirmware, sysDescr, vendorValues),
    macAddress: macOf(x.interfaces),
  };
}
