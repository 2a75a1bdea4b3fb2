/**
 * HP LEDM ("Low End Data Model") pages, as the embedded web server serves
 * them under /DevMgmt/. Element names follow the public captures and
 * parsers (HPLIP base/status.py StatusType10Agents, aiohpprinter's device
 * fixtures, openHAB's hpprinter binding): prefixes vary between firmware
 * (dd:, ccdyn:, pudyn:, prdcfgdyn2:), so only local names are read, and only
 * direct children where HP nests the same name deeper (PreviousCartridgeData,
 * A4EquivalentImpressions, UsageByMedia would otherwise be counted twice).
 */
import { create } from "@bufbuild/protobuf";
import { type LedmConsumable, LedmConsumableSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { type Counter, CounterKind, CounterSchema, CounterUnit } from "../../gen/dca/v1/reading_pb.ts";
import { cleanText } from "../../common/text.ts";
import { type XmlElement, child, childText, childrenNamed, findFirst, parseXml } from "./xml-parse.ts";
import { DcaError } from "../../common/errors.ts";

/** The three pages read, in the order they are fetched. */
export const LEDM_PATHS = {
  productConfig: "/DevMgmt/ProductConfigDyn.xml",
  consumables: "/DevMgmt/ConsumableConfigDyn.xml",
  usage: "/DevMgmt/ProductUsageDyn.xml",
} as const;

/** Counter.oid of a counter read from ProductUsageDyn (it has no OID). */
export const LEDM_USAGE_SOURCE = "ledm:ProductUsageDyn";

/** Longest device string kept from an LEDM page. */
const MAX_FIELD = 128;

/** What ProductConfigDyn says about the device. */
export interface LedmProductInfo {
  model: string;
  serialNumber: string;
  firmware: string;
}

function text(el: XmlElement | undefined, ...path: string[]): string {
  return cleanText(childText(el, ...path) ?? "", MAX_FIELD);
}

function expectRoot(xml: string, root: string): XmlElement {
  const doc = parseXml(xml);
  if (doc.name !== root) throw new DcaError("malformed", `expected a <${root}> document, got <${cleanText(doc.name, 64)}>`);
  return doc;
}

/** ProductConfigDyn: ProductInformation's MakeAndModel, SerialNumber and firmware Revision. */
export function parseProductConfig(xml: string): LedmProductInfo {
  const info = findFirst(expectRoot(xml, "ProductConfigDyn"), "ProductInformation");
  return {
    model: text(info, "MakeAndModel"),
    serialNumber: text(info, "SerialNumber"),
    firmware: text(info, "Version", "Revision"),
  };
}

/** A whole number 0-100, or -1 ("the page gives no percentage"). */
function percentOf(raw: string | undefined): number {
  if (raw === undefined || !/^\s*-?\d{1,4}\s*$/.test(raw)) return -1;
  const n = Number(raw);
  return n >= 0 && n <= 100 ? n : -1;
}

/**
 * ConsumableConfigDyn: one LedmConsumable per ConsumableInfo. The state is
 * ConsumableLifeState/ConsumableState (older firmware puts ConsumableState
 * directly in ConsumableInfo); ConsumableStateAvailableActions also holds a
 * ConsumableState, which is an action prompt and is not read. The part
 * number is ProductNumber, else ConsumableSelectibilityNumber, as HPLIP does.
 */
export function parseConsumables(xml: string): LedmConsumable[] {
  const doc = expectRoot(xml, "ConsumableConfigDyn");
  return childrenNamed(doc, "ConsumableInfo").map((info) =>
    create(LedmConsumableSchema, {
      color: text(info, "ConsumableLabelCode"),
      type: text(info, "ConsumableTypeEnum"),
      percentRemaining: percentOf(childText(info, "ConsumablePercentageLevelRemaining")),
      state: text(info, "ConsumableLifeState", "ConsumableState") || text(info, "ConsumableState"),
      partNumber: text(info, "ProductNumber") || text(info, "ConsumableSelectibilityNumber"),
      serialNumber: text(info, "SerialNumber"),
    }),
  );
}

/** Whole-number meters in PrinterSubunit, by element name. */
const IMPRESSION_METERS: Record<string, { kind: CounterKind; unit: CounterUnit }> = {
  TotalImpressions: { kind: CounterKind.TOTAL, unit: CounterUnit.IMPRESSIONS },
  MonochromeImpressions: { kind: CounterKind.MONO, unit: CounterUnit.IMPRESSIONS },
  ColorImpressions: { kind: CounterKind.COLOR, unit: CounterUnit.IMPRESSIONS },
  DuplexSheets: { kind: CounterKind.DUPLEX, unit: CounterUnit.SHEETS },
  JamEvents: { kind: CounterKind.JAM, unit: CounterUnit.UNSPECIFIED },
};

/**
 * LEDM measurement units we can keep exactly: the counter kind, the unit a
 * whole number keeps (lengths only: "12 meters" stays METERS), and the finer
 * unit with its factor that turns the decimals a device gives into a whole
 * number ("1.52325 squareMeters" is 15,232.5 cm2: not whole, so not this row).
 */
const MEASURES: Record<string, { kind: CounterKind; whole?: CounterUnit; unit: CounterUnit; factor: bigint }> = {
  meters: { kind: CounterKind.LENGTH, whole: CounterUnit.METERS, unit: CounterUnit.MICROMETERS, factor: 1_000_000n },
  centimeters: { kind: CounterKind.LENGTH, whole: CounterUnit.CENTIMETERS, unit: CounterUnit.MICROMETERS, factor: 10_000n },
  millimeters: { kind: CounterKind.LENGTH, unit: CounterUnit.MICROMETERS, factor: 1_000n },
  inches: { kind: CounterKind.LENGTH, whole: CounterUnit.INCHES, unit: CounterUnit.TEN_THOUSANDTHS_OF_INCHES, factor: 10_000n },
  feet: { kind: CounterKind.LENGTH, whole: CounterUnit.FEET, unit: CounterUnit.TEN_THOUSANDTHS_OF_INCHES, factor: 120_000n },
  squaremeters: { kind: CounterKind.AREA, unit: CounterUnit.SQUARE_CENTIMETERS, factor: 10_000n },
  squarecentimeters: { kind: CounterKind.AREA, unit: CounterUnit.SQUARE_CENTIMETERS, factor: 1n },
  squarefeet: { kind: CounterKind.AREA, unit: CounterUnit.SQUARE_INCHES, factor: 144n },
  squareinches: { kind: CounterKind.AREA, unit: CounterUnit.SQUARE_INCHES, factor: 1n },
  liters: { kind: CounterKind.MARKING_AGENT_USED, unit: CounterUnit.MICROLITERS, factor: 1_000_000n },
  milliliters: { kind: CounterKind.MARKING_AGENT_USED, unit: CounterUnit.MICROLITERS, factor: 1_000n },
  microliters: { kind: CounterKind.MARKING_AGENT_USED, unit: CounterUnit.MICROLITERS, factor: 1n },
};

const MAX_DIGITS = 15; // stays a safe integer
/** Counter.value is a uint64; the hub stores it as a signed 64-bit integer. */
const MAX_COUNTER = 2n ** 63n - 1n;

/**
 * A measured value (`<dd:ValueFloat>12.5</dd:ValueFloat><dd:Unit>meters</dd:Unit>`)
 * as an exact counter: a length, area or volume in a unit where the value is a
 * whole number (12.5 meters: 12,500,000 micrometres). A unit we do not know, or a
 * value no unit of ours holds exactly, is OTHER with the unit in the name and
 * the value in thousandths ("... [1/1000 furlongs]").
 */
function measuredCounter(el: XmlElement): Counter | undefined {
  const raw = childText(el, "ValueFloat") ?? childText(el, "ValueInt");
  const unitRaw = cleanText(childText(el, "Unit") ?? "", 48);
  if (raw === undefined || unitRaw === "") return undefined;
  const m = new RegExp(String.raw`^\s*(\d{1,${MAX_DIGITS}})(?:\.(\d{1,3})0*)?\s*$`).exec(raw);
  if (!m) return undefined;
  const name = cleanText(el.name, 64);
  const fraction = (m[2] ?? "").replace(/0+$/, "");
  const int = BigInt(m[1]);
  const measure = MEASURES[unitRaw.toLowerCase()];
  if (measure) {
    if (fraction === "" && measure.whole !== undefined)
      return create(CounterSchema, { kind: measure.kind, value: int, unit: measure.whole, name, oid: LEDM_USAGE_SOURCE });
    const scale = 10n ** BigInt(fraction.length);
    const scaledFraction = BigInt(fraction || "0") * measure.factor;
    const value = int * measure.factor + scaledFraction / scale;
    if (scaledFraction % scale === 0n && value <= MAX_COUNTER)
      return create(CounterSchema, { kind: measure.kind, value, unit: measure.unit, name, oid: LEDM_USAGE_SOURCE });
  }
  const value = fraction === "" ? int : int * 1000n + BigInt(fraction.padEnd(3, "0"));
  const label = fraction === "" ? `${name} [${unitRaw}]` : `${name} [1/1000 ${unitRaw}]`;
  return create(CounterSchema, { kind: CounterKind.OTHER, value, unit: CounterUnit.UNSPECIFIED, name: label, oid: LEDM_USAGE_SOURCE });
}

/**
 * ProductUsageDyn: PrinterSubunit's own meters (TotalImpressions and the
 * rest of IMPRESSION_METERS), then every measured value (ValueFloat + Unit)
 * in PrinterSubunit or its UsageByMarkingAgent: ink used on inkjets, and
 * area or length printed on large-format devices.
 */
export function parseUsage(xml: string): Counter[] {
  const doc = expectRoot(xml, "ProductUsageDyn");
  const printer = child(doc, "PrinterSubunit") ?? findFirst(doc, "PrinterSubunit");
  if (!printer) return [];
  const out: Counter[] = [];
  for (const [name, meter] of Object.entries(IMPRESSION_METERS)) {
    const raw = childText(printer, name);
    if (raw === undefined || !new RegExp(String.raw`^\s*\d{1,${MAX_DIGITS}}\s*$`).test(raw)) continue;
    out.push(create(CounterSchema, { kind: meter.kind, unit: meter.unit, value: BigInt(raw.trim()), name, oid: LEDM_USAGE_SOURCE }));
  }
  const measured = [...printer.children, ...childrenNamed(printer, "UsageByMarkingAgent").flatMap((u) => u.children)];
  for (const el of measured) {
    const c = measuredCounter(el);
    if (c) out.push(c);
  }
  return out;
}

/** True when the Server header or the page title names an HP device. */
export function looksLikeHp(server: string, title: string): boolean {
  return /\bHP\b|hewlett[- ]?packard|laserjet|officejet|deskjet|designjet|pagewide|\benvy\b|smart tank/i.test(`${server} ${title}`);
}
