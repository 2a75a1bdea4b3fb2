/**
 * Marker supplies and input trays: dca against LibreNMS's `printer_supplies` rows and
 * against the Printer-MIB rows in the recording that LibreNMS leaves out.
 *
 * DELIBERATE differences from LibreNMS (PrinterSupplies.php), each an expectation below:
 * - level -3 ("some remaining"): LibreNMS stores 50 %. dca reports state SOME_REMAINING
 *   and no percent, because nobody knows the amount and a made-up 50 % would hide it.
 * - level -1 ("no restriction"): LibreNMS stores 0 % (a FIXME in its code). dca reports
 *   state UNLIMITED and no percent: an unmetered supply is not empty.
 * - level -2 ("unknown"): LibreNMS drops the supply (and skips such trays). dca still
 *   reports it, with its raw values, state UNKNOWN and no percent, so the dealer sees
 *   the part exists.
 * - receptacles (waste toner...): the Printer-MIB level of a receptacle is its remaining
 *   space (RFC 3805 prtMarkerSuppliesLevel), and dca's percent is that remaining space
 *   (proto Supply.percent), like LibreNMS; the difference is the state: level 0 of a
 *   receptacle is SUPPLY_STATE_FULL, not "empty".
 * - Brother status-coded levels (LibreNMS maps raw 0/1/2/3 to 100/5/0/1 %): no row in
 *   the current recordings has such a level (brother.snmprec: toner -3, drum 11501/12000),
 *   so no expectation exists; a new recording that has one fails until one is written.
 * - trays without prtInputName: LibreNMS skips them; dca reports them with raw values.
 */
import {
  type LibrenmsSupply,
  isReceptacleType,
  normaliseSupplyDescr,
  supplyTypeEnum,
} from "./librenms-expected.ts";
import type { RecordingFacts } from "./librenms-checks.ts";
import type { ReadingJson, SupplyJson, TrayJson } from "./reading-json.ts";
import { tableRows } from "./snmprec.ts";

const PRT_MARKER_SUPPLIES_ENTRY = "1.3.6.1.2.1.43.11.1.1";
const PRT_INPUT_ENTRY = "1.3.6.1.2.1.43.8.2.1";
const PERCENT_TOLERANCE = 0.5;

function lastIndex(rowIndex: string): number {
  return Number(rowIndex.split(".").at(-1));
}

/** Percent and state rules shared by supplies and trays; `prefix` is SUPPLY_STATE or TRAY_STATE. */
function checkLevelSemantics(
  label: string,
  level: number,
  max: number,
  ours: { percent?: number; state: string },
  prefix: "SUPPLY_STATE" | "TRAY_STATE",
  receptacle: boolean,
  failures: string[],
): void {
  const special: Record<number, string> = { [-1]: "UNLIMITED", [-2]: "UNKNOWN", [-3]: "SOME_REMAINING" };
  if (special[level]) {
    const state = `${prefix}_${special[level]}`;
    if (ours.state !== state) failures.push(`${label}: level ${level} gives state ${ours.state}, want ${state}`);
    if (ours.percent !== undefined) failures.push(`${label}: level ${level} gives percent ${ours.percent}, want none`);
    return;
  }
  if (level >= 0 && max > 0) {
    const remaining = (level / max) * 100;
    const want = remaining;
    if (ours.percent === undefined) failures.push(`${label}: no percent, want ${want.toFixed(1)}`);
    else if (Math.abs(ours.percent - want) > PERCENT_TOLERANCE) {
      failures.push(`${label}: percent ${ours.percent}, want ${want.toFixed(1)}${receptacle ? " (receptacle: remaining space)" : ""}`);
    }
  }
}

function checkMarkerRow(row: LibrenmsSupply, ours: SupplyJson | undefined, vendorOs: string, failures: string[]): void {
  const label = `supply ${row.index} "${row.descr}"`;
  if (!ours) {
    failures.push(`${label} missing`);
    return;
  }
  if (normaliseSupplyDescr(ours.description) !== normaliseSupplyDescr(row.descr)) {
    failures.push(`${label}: description ${JSON.stringify(ours.description)}`);
  }
  // Where LibreNMS fell back to the Ricoh private OID, either raw level is accepted.
  const levels = row.printer_mib_level === undefined ? [row.current] : [row.current, row.printer_mib_level];
  if (!levels.includes(ours.level)) failures.push(`${label}: level ${ours.level}, want ${levels.join(" or ")}`);
  if (ours.maxCapacity !== row.capacity) failures.push(`${label}: maxCapacity ${ours.maxCapacity}, want ${row.capacity}`);
  const types = supplyTypeEnum(row.type);
  if (!types.includes(ours.type)) failures.push(`${label}: type ${ours.type}, want ${types.join(" or ")}`);
  if (vendorOs === "brother" && row.current >= 0 && row.current <= 3) {
    failures.push(`${label}: Brother status-coded level ${row.current}: no expectation written yet, decide and add one`);
    return;
  }
  checkLevelSemantics(label, row.current, row.capacity, ours, "SUPPLY_STATE", isReceptacleType(row.type), failures);
}

export function checkSupplies({ expected, entries }: RecordingFacts, r: ReadingJson, failures: string[]): void {
  const rows = (expected.supplies ?? []).filter((s) => s.kind === "marker_supply");
  const byIndex = (index: number) => r.supplies.find((s) => s.index === index);
  for (const row of rows) checkMarkerRow(row, byIndex(row.index), expected.vendor_os, failures);

  // Rows in the recording that LibreNMS left out.
  const listed = new Set(rows.map((s) => s.index));
  for (const [rowIndex, cols] of tableRows(entries, PRT_MARKER_SUPPLIES_ENTRY)) {
    const index = lastIndex(rowIndex);
    if (listed.has(index) || !cols.has(9)) continue;
    const level = Number(cols.get(9));
    const max = Number(cols.get(8) ?? Number.NaN);
    const label = `supply ${index} "${cols.get(6) ?? ""}" (not in LibreNMS)`;
    if (level !== -2) {
      failures.push(`${label}: level ${level}: no expectation written for this row, add one`);
      continue;
    }
    // DELIBERATE: level -2 is reported, not dropped.
    const ours = byIndex(index);
    if (!ours) {
      failures.push(`${label} missing: level -2 supplies are reported with state UNKNOWN`);
      continue;
    }
    if (ours.level !== -2) failures.push(`${label}: level ${ours.level}, want -2`);
    if (!Number.isNaN(max) && ours.maxCapacity !== max) failures.push(`${label}: maxCapacity ${ours.maxCapacity}, want ${max}`);
    checkLevelSemantics(label, -2, max, ours, "SUPPLY_STATE", false, failures);
  }
}

function checkTrayRaw(label: string, ours: TrayJson, max: number, level: number, failures: string[]): void {
  if (ours.maxCapacity !== max) failures.push(`${label}: maxCapacity ${ours.maxCapacity}, want ${max}`);
  if (ours.currentLevel !== level) failures.push(`${label}: currentLevel ${ours.currentLevel}, want ${level}`);
  checkLevelSemantics(label, level, max, ours, "TRAY_STATE", false, failures);
}

export function checkTrays({ expected, entries }: RecordingFacts, r: ReadingJson, failures: string[]): void {
  const rows = (expected.supplies ?? []).filter((s) => s.kind === "input_tray");
  const byIndex = (index: number) => r.trays.find((t) => t.index === index);
  for (const row of rows) {
    const label = `tray ${row.index} "${row.descr}"`;
    const ours = byIndex(row.index);
    if (!ours) {
      failures.push(`${label} missing`);
      continue;
    }
    const names = [ours.name, ours.description].map(normaliseSupplyDescr);
    if (!names.includes(normaliseSupplyDescr(row.descr))) failures.push(`${label}: name ${JSON.stringify(ours.name)}`);
    checkTrayRaw(label, ours, row.capacity, row.current, failures);
  }

  // DELIBERATE: trays LibreNMS skips (level -2, or no prtInputName) are reported.
  const listed = new Set(rows.map((s) => s.index));
  for (const [rowIndex, cols] of tableRows(entries, PRT_INPUT_ENTRY)) {
    const index = lastIndex(rowIndex);
    if (listed.has(index) || !cols.has(9) || !cols.has(10)) continue;
    const label = `tray ${index} "${cols.get(13) ?? ""}" (not in LibreNMS)`;
    const ours = byIndex(index);
    if (!ours) {
      failures.push(`${label} missing: dca reports every prtInputTable row`);
      continue;
    }
    checkTrayRaw(label, ours, Number(cols.get(9)), Number(cols.get(10)), failures);
  }
}
