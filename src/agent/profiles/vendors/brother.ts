import { CounterKind, SupplyType } from "../../../gen/dca/v1/reading_pb.ts";
import type { Profile } from "../profile.ts";

/** Brother's private printer tree (BROTHER-MIB brInfoPrinter...). */
const BR = "1.3.6.1.4.1.2435.2.3.9.4.2.1.5";

/**
 * Brother OIDs that hold more than the Printer-MIB. The hex blocks are
 * OCTET STRINGs of records decoded by src/agent/reader/decoders/brother.ts.
 * Sources: Home Assistant's `brother` library (bieniu/brother, const.py),
 * which follows saper-2/BRN-Printer-sCounters-Info.
 */
export const BROTHER_OIDS = {
  serial: `${BR}.5.1.0`,
  /** Counter block: page counters by code (BROTHER_COUNTER_CODES). */
  counters: `${BR}.5.10.0`,
  /** Maintenance block: remaining life and supply states by code (BROTHER_MAINTENANCE_CODES). */
  maintenance: `${BR}.5.8.0`,
  /** "Next care" block: pages left before a part wants replacing. */
  nextCare: `${BR}.5.11.0`,
  /** Main firmware version ("1.17", "J1906051424"). */
  firmware: `${BR}.5.17.0`,
  /** Console status line, in the panel's charset. */
  status: `${BR}.4.5.2.0`,
} as const;

/** Counter block codes. 00 = 01 + 02 on colour models (DCP-L3550CDW: 1611 = 709 + 902). */
export const BROTHER_COUNTER_CODES: Record<number, { kind: CounterKind; name: string }> = {
  0x00: { kind: CounterKind.TOTAL, name: "brother total pages" },
  0x01: { kind: CounterKind.MONO, name: "brother black & white pages" },
  0x02: { kind: CounterKind.COLOR, name: "brother colour pages" },
  0x06: { kind: CounterKind.DUPLEX, name: "brother duplex unit pages" },
  0x12: { kind: CounterKind.OTHER, name: "brother black impressions" },
  0x13: { kind: CounterKind.OTHER, name: "brother cyan impressions" },
  0x14: { kind: CounterKind.OTHER, name: "brother magenta impressions" },
  0x15: { kind: CounterKind.OTHER, name: "brother yellow impressions" },
  0x16: { kind: CounterKind.OTHER, name: "brother image count" },
};

/**
 * How a maintenance value reads: `hundredths` of a percent of life left,
 * `percent` (a coarse level in tens), `status` (1 ok, 2 low), or `pages`.
 */
export type BrotherMeasure = "hundredths" | "percent" | "status" | "pages";

/**
 * Maintenance block codes of laser models; ink models share 31-34, 6f-72, 81-84 and a1-a4
 * (their "toner" is ink: a part named "... toner" also matches an ink supply).
 * Source: the `brother` library's VALUES_LASER_MAINTENANCE / VALUES_INK_MAINTENANCE.
 * 11, 73-75 and 7e count pages a drum has printed (not what is left) and are not read.
 */
export const BROTHER_MAINTENANCE_CODES: Record<number, { item: string; measure: BrotherMeasure }> = {
  0x11: { item: "drum", measure: "pages" },
  0x31: { item: "black toner", measure: "status" },
  0x32: { item: "cyan toner", measure: "status" },
  0x33: { item: "magenta toner", measure: "status" },
  0x34: { item: "yellow toner", measure: "status" },
  0x41: { item: "drum", measure: "hundredths" },
  0x69: { item: "belt unit", measure: "hundredths" },
  0x6a: { item: "fuser", measure: "hundredths" },
  0x6b: { item: "laser unit", measure: "hundredths" },
  0x6c: { item: "paper feeding kit MP", measure: "hundredths" },
  0x6d: { item: "paper feeding kit 1", measure: "hundredths" },
  0x6f: { item: "black toner", measure: "hundredths" },
  0x70: { item: "cyan toner", measure: "hundredths" },
  0x71: { item: "magenta toner", measure: "hundredths" },
  0x72: { item: "yellow toner", measure: "hundredths" },
  0x73: { item: "cyan drum", measure: "pages" },
  0x74: { item: "magenta drum", measure: "pages" },
  0x75: { item: "yellow drum", measure: "pages" },
  0x79: { item: "cyan drum", measure: "hundredths" },
  0x7a: { item: "magenta drum", measure: "hundredths" },
  0x7b: { item: "yellow drum", measure: "hundredths" },
  0x7e: { item: "black drum", measure: "pages" },
  0x80: { item: "black drum", measure: "hundredths" },
  0x81: { item: "black toner", measure: "percent" },
  0x82: { item: "cyan toner", measure: "percent" },
  0x83: { item: "magenta toner", measure: "percent" },
  0x84: { item: "yellow toner", measure: "percent" },
  0xa1: { item: "black toner", measure: "hundredths" },
  0xa2: { item: "cyan toner", measure: "hundredths" },
  0xa3: { item: "magenta toner", measure: "hundredths" },
  0xa4: { item: "yellow toner", measure: "hundredths" },
};

/** "Next care" block codes: pages left before the part wants replacing (VALUES_LASER_NEXTCARE). */
export const BROTHER_NEXT_CARE_CODES: Record<number, string> = {
  0x73: "laser unit",
  0x77: "paper feeding kit 1",
  0x82: "drum",
  0x86: "paper feeding kit MP",
  0x88: "belt unit",
  0x89: "fuser",
  0xa4: "black drum",
  0xa5: "cyan drum",
  0xa6: "magenta drum",
  0xa7: "yellow drum",
};

/** The supply type of a maintenance part that has no Printer-MIB row; other parts are OTHER. */
export const BROTHER_PART_TYPES: [RegExp, SupplyType][] = [
  [/toner/, SupplyType.TONER],
  [/drum/, SupplyType.OPC],
  [/belt/, SupplyType.TRANSFER_UNIT],
  [/fuser/, SupplyType.FUSER],
];

/** Brother (enterprise 2435). */
export const brother: Profile = {
  id: "brother",
  vendor: "Brother",
  sysObjectId: ["1.3.6.1.4.1.2435"],
  sysDescr: [/^Brother /i],
  model: [{ from: "1.3.6.1.4.1.2435.2.4.3.2435.5.13.3.0", pattern: /^(?:Brother )?(.+?)(?: series)?$/i }],
  serial: [{ from: BROTHER_OIDS.serial }],
  // The printer's main firmware; sysDescr and NetConfig's brpsMainRevision (as glpi-agent's
  // BrotherNetConfig.pm reads it) describe the NC network card.
  firmware: [{ from: BROTHER_OIDS.firmware }],
  networkFirmware: [{ from: "sysDescr", pattern: /^Brother NC-.*Firmware Ver\.?\s*([^ ,]+)/i }, { from: "1.3.6.1.4.1.2435.2.4.3.1240.1.4.0", pattern: /^(?:Ver\.?\s*)?(\S+)/i }],
  blocks: [
    { oid: BROTHER_OIDS.counters, decoder: "brother-counters" },
    { oid: BROTHER_OIDS.maintenance, decoder: "brother-maintenance" },
    { oid: BROTHER_OIDS.nextCare, decoder: "brother-next-care" },
  ],
};
