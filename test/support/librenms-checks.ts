/**
 * Compares one `dca read` result with what LibreNMS extracts from the same recording
 * (shared/fixtures/printers/<name>.expected.json) and with facts read from the recording
 * itself. Each check returns failure lines instead of throwing, so a test reports every
 * difference at once and the scoreboard can list them.
 *
 * Deliberate differences from LibreNMS are written here as expectations of their own
 * (search for "DELIBERATE"), never skipped.
 */
import {
  BRANDS,
  type LibrenmsExpected,
  brandMatches,
  foldText,
  modelMatches,
  parseOdometer,
} from "./librenms-expected.ts";
import { checkSupplies, checkTrays } from "./librenms-supply-checks.ts";
import type { ReadingJson } from "./reading-json.ts";
import { type SnmprecEntry, tableRows } from "./snmprec.ts";

const HR_DEVICE_DESCR_ENTRY = "1.3.6.1.2.1.25.3.2.1";
const PRT_MARKER_LIFE_COUNT = "1.3.6.1.2.1.43.10.2.1.4";
const PRT_MARKER_POWER_ON_COUNT = "1.3.6.1.2.1.43.10.2.1.5";

/** Everything known about one recording. */
export interface RecordingFacts {
  expected: LibrenmsExpected;
  entries: SnmprecEntry[];
}

/**
 * DELIBERATE: identities where dca may answer differently from LibreNMS and still be right.
 * Each entry says why; the LibreNMS value stays accepted as well.
 */
const IDENTITY_ALTERNATIVES: Record<string, { model?: string[]; serial?: string[] }> = {
  // LibreNMS takes model and serial of the ZebraNet print server (ESI MIB 683.1.4.0 "79071",
  // 683.1.5.0 "7062184"). The printer behind it is a "ZTC TLP 2824 Plus" with serial
  // 37J162600538 (ZEBRA MIB 10642.200.19.7.0 / .19.5.0 and the IEEE 1284 device id); for a
  // fleet that bills per printer, the printer's own identity is the better answer.
  zebra: { model: ["TLP 2824 Plus"], serial: ["37J162600538"] },
  // sysDescr and hrDeviceDescr say "KONICA MINOLTA bizhub C3110" / "Generic 28C-1"; the
  // Konica private model OID (18334.1.1.1.1.6.2.1.0), which LibreNMS reads, says
  // "Develop ineo+ 280". The recording is inconsistent; either model is accepted.
  konica: { model: ["bizhub C3110"] },
};

/** All checks for one recording; an empty list means dca read it fully right. */
export function checkRecording(facts: RecordingFacts, reading: ReadingJson): string[] {
  const failures: string[] = [];
  checkIdentity(facts, reading, failures);
  if (facts.expected.supplies) {
    checkSupplies(facts, reading, failures);
    checkTrays(facts, reading, failures);
  }
  checkCounters(facts, reading, failures);
  return failures;
}

function checkIdentity({ expected, entries }: RecordingFacts, r: ReadingJson, failures: string[]): void {
  const name = expected.recording;
  const alternatives = IDENTITY_ALTERNATIVES[name] ?? {};
  // Runs of spaces may be folded ("Firmware Ver.1.14  (14.11.06)"): same text to a reader.
  const spaces = (t: string) => t.replace(/\s+/g, " ").trim();
  if (expected.sysDescr !== null && spaces(r.sysDescr) !== spaces(expected.sysDescr)) {
    failures.push(`sysDescr ${JSON.stringify(r.sysDescr)}, want ${JSON.stringify(expected.sysDescr)}`);
  }
  if (expected.sysObjectID !== null && r.sysObjectId !== expected.sysObjectID.replace(/^\./, "")) {
    failures.push(`sysObjectId ${JSON.stringify(r.sysObjectId)}, want ${expected.sysObjectID.replace(/^\./, "")}`);
  }

  const brands = BRANDS[expected.vendor_os.replace(/_.*$/, "")] ?? [];
  if (brands.length > 0 && !brandMatches(r.vendor, brands)) {
    failures.push(`vendor ${JSON.stringify(r.vendor)}, want one of ${brands.join(" / ")}`);
  }

  // LibreNMS's `hardware` (full recordings) or the os_discovery rules applied by hand
  // (detection-only recordings); LibreNMS strips "HP " and " Series", so containment.
  const hardware = expected.hardware ?? expected.derived_by_hand?.hardware ?? null;
  if (hardware !== null) {
    const accepted = [hardware, ...(alternatives.model ?? [])];
    if (!accepted.some((m) => modelMatches(r.vendor, r.model, m))) {
      failures.push(`model ${JSON.stringify(`${r.vendor} ${r.model}`.trim())} does not contain ${accepted.map((m) => JSON.stringify(m)).join(" or ")}`);
    }
  } else {
    // Nobody states a model: it must at least be a model name the device itself shows
    // (in sysDescr or hrDeviceDescr), not empty and not the whole sysDescr.
    const sources = [expected.sysDescr ?? "", ...[...tableRows(entries, HR_DEVICE_DESCR_ENTRY).values()].map((row) => row.get(3) ?? "")];
    const model = foldText(r.model);
    if (!model) failures.push("model is empty");
    else if (model.length > 40) failures.push(`model ${JSON.stringify(r.model)} looks like a description, not a model`);
    else if (!sources.some((s) => foldText(s).includes(model))) {
      failures.push(`model ${JSON.stringify(r.model)} appears neither in sysDescr nor in hrDeviceDescr`);
    }
  }

  const serial = expected.serial ?? expected.recorded_printer_mib.prtGeneralSerialNumber ?? expected.derived_by_hand?.serial ?? null;
  if (serial !== null) {
    const accepted = [serial, expected.recorded_printer_mib.prtGeneralSerialNumber, ...(alternatives.serial ?? [])].filter(
      (s): s is string => !!s,
    );
    if (!accepted.includes(r.serialNumber.trim())) {
      failures.push(`serialNumber ${JSON.stringify(r.serialNumber)}, want ${accepted.map((s) => JSON.stringify(s)).join(" or ")}`);
    }
  }
}

interface CounterWant {
  oid: string;
  value: string;
  what: string;
  kind?: string;
  unit?: string;
  markerIndex?: number;
}

function wantedCounters(expected: LibrenmsExpected): Map<string, CounterWant> {
  const wants = new Map<string, CounterWant>();
  // Read by hand from the recording: every marker's life and power-on counts.
  for (const m of expected.recorded_printer_mib.marker_counters) {
    const markerIndex = Number(m.index.split(".").at(-1));
    if (m.prtMarkerLifeCount !== null) {
      const oid = `${PRT_MARKER_LIFE_COUNT}.${m.index}`;
      // The life count of marker 1 is the device's total; other markers' are not.
      const kind = markerIndex === 1 ? "COUNTER_KIND_TOTAL" : undefined;
      wants.set(oid, { oid, value: String(m.prtMarkerLifeCount), what: "prtMarkerLifeCount", kind, markerIndex });
    }
    if (m.prtMarkerPowerOnCount !== null) {
      const oid = `${PRT_MARKER_POWER_ON_COUNT}.${m.index}`;
      wants.set(oid, { oid, value: String(m.prtMarkerPowerOnCount), what: "prtMarkerPowerOnCount", kind: "COUNTER_KIND_POWER_ON", markerIndex });
    }
  }
  // LibreNMS count sensors: Printer-MIB ones (same OIDs as above) and vendor meters.
  for (const c of expected.counters ?? []) {
    const oid = c.oid.replace(/^\./, "");
    if (wants.has(oid)) continue;
    if (typeof c.recorded_value === "number") {
      wants.set(oid, { oid, value: String(c.recorded_value), what: c.descr });
    } else {
      // Zebra: "1920 INCHES, 4876 CENTIMETERS" is 1920 inches.
      const parsed = parseOdometer(c.recorded_value);
      if (parsed) wants.set(oid, { oid, value: parsed.value, unit: parsed.unit, what: c.descr });
    }
  }
  return wants;
}

function checkCounters({ expected }: RecordingFacts, r: ReadingJson, failures: string[]): void {
  for (const want of wantedCounters(expected).values()) {
    const ours = r.counters.filter((c) => c.oid === want.oid);
    const label = `counter ${want.oid} (${want.what})`;
    if (ours.length === 0) {
      failures.push(`${label} missing, want value ${want.value}`);
      continue;
    }
    const c = ours.find((o) => o.value === want.value) ?? ours[0];
    if (c.value !== want.value) failures.push(`${label} value ${c.value}, want ${want.value}`);
    if (want.kind && c.kind !== want.kind) failures.push(`${label} kind ${c.kind}, want ${want.kind}`);
    if (want.unit && c.unit !== want.unit) failures.push(`${label} unit ${c.unit}, want ${want.unit}`);
    if (want.markerIndex !== undefined && c.markerIndex !== want.markerIndex) {
      failures.push(`${label} markerIndex ${c.markerIndex}, want ${want.markerIndex}`);
    }
  }
}
