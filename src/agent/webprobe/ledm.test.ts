import { describe, expect, test } from "bun:test";
import { CounterKind, CounterUnit, SupplyState, SupplyType } from "../../gen/dca/v1/reading_pb.ts";
import { DESIGNJET, MALFORMED_LEDM, OFFICE_MFP, designJet, officeMfp } from "../../../test/sim/web/ledm-samples.ts";
import { LEDM_USAGE_SOURCE, looksLikeHp, parseConsumables, parseProductConfig, parseUsage } from "./ledm.ts";
import { LEDM_CONSUMABLES_SOURCE, ledmReading, ledmSupply } from "./ledm-reading.ts";
import { XmlError } from "./xml-parse.ts";

const counter = (kind: CounterKind, value: number, unit: CounterUnit, name: string) => ({ kind, value: BigInt(value), unit, name, oid: LEDM_USAGE_SOURCE });

describe("ConsumableConfigDyn", () => {
  test("office MFP: label code, type, percent, life state, part and serial of the cartridge in place (not the previous one)", () => {
    const list = parseConsumables(officeMfp().consumables);
    expect(list.map((c) => ({ ...c }))).toMatchObject(
      OFFICE_MFP.cartridges.map((c) => ({ color: c.label, type: c.type, percentRemaining: c.percent, state: c.state, partNumber: c.product, serialNumber: c.serial })),
    );
  });

  test("DesignJet: a printhead without a level is -1", () => {
    const list = parseConsumables(designJet().consumables);
    expect(list).toHaveLength(5);
    expect(list[4]).toMatchObject({ color: "CMYK", type: "printhead", percentRemaining: -1, state: "ok", partNumber: "F9J81A" });
  });

  test("older firmware: ConsumableState directly in ConsumableInfo, SelectibilityNumber as the part number, percent out of range", () => {
    const xml = `<ConsumableConfigDyn><ConsumableInfo><ConsumableLabelCode>CMY</ConsumableLabelCode><ConsumableState>low</ConsumableState>
      <ConsumablePercentageLevelRemaining>250</ConsumablePercentageLevelRemaining><ConsumableSelectibilityNumber>62</ConsumableSelectibilityNumber></ConsumableInfo></ConsumableConfigDyn>`;
    expect(parseConsumables(xml)[0]).toMatchObject({ color: "CMY", state: "low", partNumber: "62", percentRemaining: -1, serialNumber: "" });
  });

  test("device strings are cleaned", () => {
    const xml = "<ConsumableConfigDyn><ConsumableInfo><ConsumableLabelCode>K\u0007\u001b</ConsumableLabelCode><ProductNumber>  W2030X\n</ProductNumber></ConsumableInfo></ConsumableConfigDyn>";
    expect(parseConsumables(xml)[0]).toMatchObject({ color: "K", partNumber: "W2030X" });
  });
});

describe("ProductUsageDyn", () => {
  test("office MFP: PrinterSubunit's own meters only (not A4-equivalent or per-cartridge totals)", () => {
    const c = OFFICE_MFP.counters;
    expect(parseUsage(officeMfp().usage).map((x) => ({ ...x }))).toEqual([
      counter(CounterKind.TOTAL, c.total, CounterUnit.IMPRESSIONS, "TotalImpressions"),
      counter(CounterKind.MONO, c.mono, CounterUnit.IMPRESSIONS, "MonochromeImpressions"),
      counter(CounterKind.COLOR, c.color, CounterUnit.IMPRESSIONS, "ColorImpressions"),
      counter(CounterKind.DUPLEX, c.duplexSheets, CounterUnit.SHEETS, "DuplexSheets"),
      counter(CounterKind.JAM, c.jams, CounterUnit.UNSPECIFIED, "JamEvents"),
    ].map((x) => expect.objectContaining(x)));
  });

  test("DesignJet: a whole length keeps its unit; area and ink in units that hold their decimals exactly", () => {
    const c = DESIGNJET.counters;
    const got = parseUsage(designJet().usage);
    expect(got.map((x) => [x.kind, x.value, x.unit, x.name])).toEqual([
      [CounterKind.TOTAL, BigInt(c.total), CounterUnit.IMPRESSIONS, "TotalImpressions"],
      [CounterKind.MONO, BigInt(c.mono), CounterUnit.IMPRESSIONS, "MonochromeImpressions"],
      [CounterKind.COLOR, BigInt(c.color), CounterUnit.IMPRESSIONS, "ColorImpressions"],
      [CounterKind.AREA, 15_232_500n, CounterUnit.SQUARE_CENTIMETERS, "TotalMediaArea"],
      [CounterKind.LENGTH, BigInt(c.lengthM), CounterUnit.METERS, "TotalMediaLength"],
      [CounterKind.MARKING_AGENT_USED, 1_234_500n, CounterUnit.MICROLITERS, "CumulativeMarkingAgentUsed"],
    ]);
  });

  test("fractions in a finer unit when exact; else, and for unknown units, OTHER in thousandths; values that are not numbers", () => {
    const xml = `<ProductUsageDyn><PrinterSubunit><TotalImpressions>-5</TotalImpressions><ColorImpressions>1e9</ColorImpressions>
      <UsageByMarkingAgent><CumulativeMarkingAgentUsed><ValueFloat>163</ValueFloat><Unit>milliliters</Unit></CumulativeMarkingAgentUsed></UsageByMarkingAgent>
      <Len><ValueFloat>12.5</ValueFloat><Unit>meters</Unit></Len><Ft><ValueFloat>2.25</ValueFloat><Unit>feet</Unit></Ft>
      <AreaFt><ValueFloat>10.5</ValueFloat><Unit>squareFeet</Unit></AreaFt><OddFt><ValueFloat>10.1</ValueFloat><Unit>squareFeet</Unit></OddFt>
      <Furlongs><ValueFloat>2.5</ValueFloat><Unit>furlongs</Unit></Furlongs><Huge><ValueFloat>999999999999999.9</ValueFloat><Unit>liters</Unit></Huge>
      <Bad><ValueFloat>NaN</ValueFloat><Unit>meters</Unit></Bad><NoUnit><ValueFloat>3</ValueFloat></NoUnit></PrinterSubunit></ProductUsageDyn>`;
    expect(parseUsage(xml).map((x) => [x.kind, x.value, x.unit, x.name])).toEqual([
      [CounterKind.LENGTH, 12_500_000n, CounterUnit.MICROMETERS, "Len"],
      [CounterKind.LENGTH, 270_000n, CounterUnit.TEN_THOUSANDTHS_OF_INCHES, "Ft"],
      [CounterKind.AREA, 1512n, CounterUnit.SQUARE_INCHES, "AreaFt"],
      [CounterKind.OTHER, 10_100n, CounterUnit.UNSPECIFIED, "OddFt [1/1000 squareFeet]"],
      [CounterKind.OTHER, 2500n, CounterUnit.UNSPECIFIED, "Furlongs [1/1000 furlongs]"],
      [CounterKind.OTHER, 999_999_999_999_999_900n, CounterUnit.UNSPECIFIED, "Huge [1/1000 liters]"],
      [CounterKind.MARKING_AGENT_USED, 163_000n, CounterUnit.MICROLITERS, "CumulativeMarkingAgentUsed"],
    ]);
  });

  test("no PrinterSubunit: no counters; another document: a clear error", () => {
    expect(parseUsage("<ProductUsageDyn><ScanUsage/></ProductUsageDyn>")).toEqual([]);
    expect(() => parseUsage(officeMfp().consumables)).toThrow("expected a <ProductUsageDyn> document, got <ConsumableConfigDyn>");
  });
});

describe("ProductConfigDyn", () => {
  test("model, serial and firmware from ProductInformation", () => {
    expect(parseProductConfig(officeMfp().productConfig)).toEqual({ model: OFFICE_MFP.model, serialNumber: OFFICE_MFP.serial, firmware: OFFICE_MFP.firmware });
    expect(parseProductConfig(designJet().productConfig)).toEqual({ model: DESIGNJET.model, serialNumber: DESIGNJET.serial, firmware: DESIGNJET.firmware });
  });
});

describe("hostile LEDM pages", () => {
  test("unterminated, entity bomb, deep nesting: XmlError each", () => {
    expect(() => parseProductConfig(MALFORMED_LEDM.productConfig)).toThrow(XmlError);
    expect(() => parseConsumables(MALFORMED_LEDM.consumables)).toThrow("DOCTYPE");
    expect(() => parseUsage(MALFORMED_LEDM.usage)).toThrow("nested deeper than 64");
  });
});

describe("LEDM as a reading", () => {
  test("supplies: colour names, types, percent only where known, states", () => {
    const [k, c, m] = parseConsumables(officeMfp().consumables).map((x, i) => ledmSupply(x, i + 1));
    expect(k).toMatchObject({ index: 1, color: "black", type: SupplyType.TONER, level: 62, maxCapacity: 100, percent: 62, state: SupplyState.OK, unit: "percent", levelOid: LEDM_CONSUMABLES_SOURCE });
    expect(c).toMatchObject({ color: "cyan", percent: 8, state: SupplyState.LOW });
    expect(m).toMatchObject({ color: "magenta", percent: 0, state: SupplyState.EMPTY });
    const head = ledmSupply(parseConsumables(designJet().consumables)[4], 5);
    expect(head).toMatchObject({ type: SupplyType.OTHER, level: -2, state: SupplyState.OK, description: "CMYK printhead" });
    expect(head.percent).toBeUndefined();
  });

  test("reading: HP, model, serial, firmware, counters, supplies", () => {
    const r = ledmReading({
      address: "10.0.0.7",
      product: parseProductConfig(officeMfp().productConfig),
      consumables: parseConsumables(officeMfp().consumables),
      counters: parseUsage(officeMfp().usage),
      readAt: new Date("2026-01-02T03:04:05Z"),
      durationMs: 12.4,
    });
    expect(r).toMatchObject({ address: "10.0.0.7", vendor: "HP", model: OFFICE_MFP.model, serialNumber: OFFICE_MFP.serial, firmware: OFFICE_MFP.firmware, profile: "ledm", readDurationMs: 12 });
    expect(r.readAt?.seconds).toBe(BigInt(Date.parse("2026-01-02T03:04:05Z") / 1000));
    expect(r.counters).toHaveLength(5);
    expect(r.supplies.map((s) => s.color)).toEqual(["black", "cyan", "magenta", "yellow"]);
  });
});

test("looksLikeHp", () => {
  expect(looksLikeHp(officeMfp().server, "")).toBe(true);
  expect(looksLikeHp("", "HP DesignJet T830")).toBe(true);
  expect(looksLikeHp("Virata-EmWeb/R6_2_1", "OfficeJet Pro 9020")).toBe(true);
  expect(looksLikeHp("Generic-EWS/1.0", "Printer Home Page")).toBe(false);
  expect(looksLikeHp("nginx", "WHPX status")).toBe(false);
});
