/**
 * The simulated fleet the bench data generator writes: devices of a dozen
 * real models, each read once a day for a year, with what a year brings:
 * pages every day (fewer at weekends), toner running down and replaced, a
 * few devices moved to another address, a few meters reset (a counter
 * flag), some devices in warning or down, a few not read for days at the
 * end. Deterministic for a seed, so two runs build the same fleet.
 * Each device keeps one DeviceReading that is changed in place day by day
 * (building 3.65 M messages from scratch would be most of the time).
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { CounterKind, CounterUnit, type DeviceReading, DeviceReadingSchema, PrinterStatusSchema, SnmpVersion, SupplyState, SupplyType } from "../../../src/gen/dca/v1/reading_pb.ts";

/** A small, fast, seeded random source (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Model {
  vendor: string;
  model: string;
  colour: boolean;
  oid: string;
  /** Brother reports -3 (some remaining) for its drum. */
  drumSomeRemaining?: boolean;
}

const MODELS: Model[] = [
  { vendor: "HP", model: "LaserJet M507", colour: false, oid: "1.3.6.1.4.1.11.2.3.9.1" },
  { vendor: "HP", model: "Color LaserJet M554", colour: true, oid: "1.3.6.1.4.1.11.2.3.9.1" },
  { vendor: "HP", model: "LaserJet MFP M528", colour: false, oid: "1.3.6.1.4.1.11.2.3.9.1" },
  { vendor: "Brother", model: "HL-L8360CDW", colour: true, oid: "1.3.6.1.4.1.2435.2.3.9.1", drumSomeRemaining: true },
  { vendor: "Brother", model: "MFC-L6900DW", colour: false, oid: "1.3.6.1.4.1.2435.2.3.9.1", drumSomeRemaining: true },
  { vendor: "Kyocera", model: "ECOSYS P3155dn", colour: false, oid: "1.3.6.1.4.1.1347.41" },
  { vendor: "Kyocera", model: "TASKalfa 3253ci", colour: true, oid: "1.3.6.1.4.1.1347.41" },
  { vendor: "Ricoh", model: "IM C3000", colour: true, oid: "1.3.6.1.4.1.367.1.1" },
  { vendor: "Canon", model: "imageRUNNER ADVANCE C5535", colour: true, oid: "1.3.6.1.4.1.1602.4.7" },
  { vendor: "Xerox", model: "VersaLink C405", colour: true, oid: "1.3.6.1.4.1.253.8.62.1" },
  { vendor: "Lexmark", model: "MS821", colour: false, oid: "1.3.6.1.4.1.641.2" },
  { vendor: "Epson", model: "WorkForce Pro WF-C879R", colour: true, oid: "1.3.6.1.4.1.1248.1.1" },
];

const COLOURS = ["Black", "Cyan", "Magenta", "Yellow"];
const DAY = 86_400_000;

/** One simulated device and its running state. */
export interface SimDevice {
  index: number;
  siteIndex: number;
  reading: DeviceReading;
  /** Pages a weekday. */
  pagesPerDay: number;
  /** Days the toner lasts at this rate (varies by supply). */
  tonerDays: number[];
  /** The day it moves to `movedTo` (-1: never). */
  moveDay: number;
  movedTo: string;
  /** The day its meter is reset (-1: never). */
  resetDay: number;
  /** Days before the end it stops being read (0: read to the end). */
  silentDays: number;
  status: "ok" | "warning" | "down" | "none";
}

/** A device of site `siteIndex`, number `index` in the fleet. */
export function simDevice(index: number, siteIndex: number, perSite: number, days: number, random: () => number): SimDevice {
  const m = MODELS[Math.floor(random() * MODELS.length)]!;
  const local = index % perSite;
  const address = `10.${siteIndex % 256}.${Math.floor(local / 250)}.${(local % 250) + 2}`;
  const mac = `00:1b:${[siteIndex >> 8, siteIndex & 255, local >> 8, local & 255].map((b) => b.toString(16).padStart(2, "0")).join(":")}`;
  const start = BigInt(Math.floor(random() * 400_000));
  const counters = [
    { kind: CounterKind.TOTAL, value: start, unit: CounterUnit.IMPRESSIONS, oid: "1.3.6.1.2.1.43.10.2.1.4.1.1", name: "prtMarkerLifeCount", markerIndex: 1 },
    { kind: CounterKind.MONO, value: m.colour ? (start * 7n) / 10n : start, unit: CounterUnit.IMPRESSIONS, oid: `${m.oid}.2.1.6`, name: "mono impressions" },
    ...(m.colour ? [{ kind: CounterKind.COLOR, value: (start * 3n) / 10n, unit: CounterUnit.IMPRESSIONS, oid: `${m.oid}.2.1.7`, name: "colour impressions" }] : []),
  ];
  const toners = (m.colour ? COLOURS : COLOURS.slice(0, 1)).map((c, i) => ({
    index: i + 1,
    description: `${c} Toner Cartridge`,
    type: SupplyType.TONER_CARTRIDGE,
    color: c.toLowerCase(),
    level: 100,
    maxCapacity: 100,
    percent: 100,
    state: SupplyState.OK,
    percentBasis: "level 100 / capacity 100",
    unit: "percent",
    levelOid: `1.3.6.1.2.1.43.11.1.1.9.1.${i + 1}`,
  }));
  const drum = m.drumSomeRemaining
    ? [{ index: toners.length + 1, description: "Drum Unit", type: SupplyType.OPC, level: -3, maxCapacity: -2, state: SupplyState.SOME_REMAINING, percentBasis: "level -3: some remains, amount not reported; no percent", levelOid: `1.3.6.1.2.1.43.11.1.1.9.1.${toners.length + 1}` }]
    : [];
  const reading = create(DeviceReadingSchema, {
    address,
    sysObjectId: m.oid,
    vendor: m.vendor,
    model: m.model,
    serialNumber: `${m.vendor.slice(0, 2).toUpperCase()}${(1_000_000 + index * 7919).toString(36).toUpperCase()}`,
    macAddress: mac,
    firmware: `${2400 + (index % 40)}.${index % 9}`,
    hostname: `NPI${local.toString(16).toUpperCase().padStart(4, "0")}`,
    credential: "office",
    snmpVersion: SnmpVersion.V2C,
    profile: m.vendor.toLowerCase(),
    readDurationMs: 400,
    requestCount: 48,
    counters,
    supplies: [...toners, ...drum],
    status: { deviceStatus: "running", printerStatus: "idle" },
  });
  const r = random();
  return {
    index,
    siteIndex,
    reading,
    pagesPerDay: Math.floor(20 + random() * random() * 800),
    tonerDays: toners.map(() => 40 + Math.floor(random() * 200)),
    moveDay: random() < 0.02 ? Math.floor(random() * days) : -1,
    movedTo: `${address.split(".").slice(0, 3).join(".")}.${251 + (index % 4)}`,
    resetDay: random() < 0.001 ? 1 + Math.floor(random() * (days - 1)) : -1,
    silentDays: random() < 0.01 ? 3 + Math.floor(random() * 10) : 0,
    status: r < 0.95 ? "ok" : r < 0.98 ? "warning" : r < 0.99 ? "down" : "none",
  };
}

/** Moves the device to day `day` (0 = the first) read at `readAt`; false when it is not read that day. */
export function advanceDay(d: SimDevice, day: number, days: number, readAt: number, random: () => number): boolean {
  if (day >= days - d.silentDays) return false;
  const r = d.reading;
  const weekday = new Date(readAt).getUTCDay();
  const pages = BigInt(Math.floor(d.pagesPerDay * (weekday === 0 || weekday === 6 ? 0.1 : 0.7 + random() * 0.6)));
  const [total, mono, colour] = r.counters;
  if (day === d.resetDay) for (const c of r.counters) c.value = 0n;
  total!.value += pages;
  if (colour) {
    const c = (pages * 3n) / 10n;
    colour.value += c;
    mono!.value += pages - c;
  } else mono!.value += pages;
  d.tonerDays.forEach((lasts, i) => {
    const s = r.supplies[i]!;
    // Down a little every day; a new cartridge when it is out (some stay empty a day or two).
    let level = (s.level ?? 100) - Math.max(1, Math.round(100 / lasts));
    if (level < 0) level = random() < 0.7 ? 100 : 0;
    s.level = level;
    s.percent = level;
    s.state = level === 0 ? SupplyState.EMPTY : level <= 10 ? SupplyState.LOW : SupplyState.OK;
    s.percentBasis = `level ${level} / capacity 100`;
  });
  if (day === d.moveDay) r.address = d.movedTo;
  const last = day === days - 1 - d.silentDays;
  const st = last ? d.status : random() < 0.02 ? "warning" : "ok";
  r.status =
    st === "none"
      ? undefined
      : create(PrinterStatusSchema, {
          deviceStatus: st === "ok" ? "running" : st,
          printerStatus: st === "down" ? "other" : "idle",
          detectedErrors: st === "warning" ? ["lowToner"] : st === "down" ? ["jammed"] : [],
        });
  r.readAt = timestampFromMs(readAt);
  return true;
}

/** When a device is read on day `day`: spread over the day by its index, so readings arrive in time order. */
export const readTimeOf = (firstDayMs: number, day: number, index: number, devices: number) => firstDayMs + day * DAY + Math.floor((index / devices) * (DAY - 60_000));
