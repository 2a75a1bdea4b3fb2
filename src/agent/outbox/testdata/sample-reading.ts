/**
 * A realistic reading for outbox tests and the outbox benchmark: an A3
 * colour MFP as the reader produces it, with 10 supplies, 8 counters,
 * 4 trays, alerts and console lines, about 2 KB as protobuf binary.
 * Shaped like what the reader makes of an HP M880 (jetdirect_m880 in
 * ../shared/fixtures/printers), with invented values; `n` varies the
 * address, serial, levels and counters so no two readings are equal.
 */
import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  CounterKind,
  CounterUnit,
  type DeviceReading,
  DeviceReadingSchema,
  SnmpVersion,
  SupplyState,
  SupplyType,
  TrayState,
} from "../../../gen/dca/v1/reading_pb.ts";

const COLOURS = ["black", "cyan", "magenta", "yellow"];
const COUNTERS: [CounterKind, string, string][] = [
  [CounterKind.TOTAL, "1.3.6.1.2.1.43.10.2.1.4.1.1", "prtMarkerLifeCount"],
  [CounterKind.MONO, "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.6.0", "total mono impressions"],
  [CounterKind.COLOR, "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.7.0", "total colour impressions"],
  [CounterKind.PRINT, "1.3.6.1.4.1.11.2.3.9.4.2.1.1.16.1.1.0", "print impressions"],
  [CounterKind.COPY, "1.3.6.1.4.1.11.2.3.9.4.2.1.2.2.1.57.0", "copy impressions"],
  [CounterKind.SCAN, "1.3.6.1.4.1.11.2.3.9.4.2.1.2.2.1.20.0", "scanner ADF images"],
  [CounterKind.DUPLEX, "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.22.0", "duplex sheets"],
  [CounterKind.POWER_ON, "1.3.6.1.2.1.43.10.2.1.5.1.1", "prtMarkerPowerOnCount"],
];

/** Reading number `n` of a simulated fleet. */
export function sampleReading(n = 0): DeviceReading {
  const base = 1_000_000 + n * 37;
  return create(DeviceReadingSchema, {
    address: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
    sysObjectId: "1.3.6.1.4.1.11.2.3.9.1",
    sysDescr: "HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI24090012,CIDATE 06/19/2024",
    vendor: "HP",
    model: "HP Color LaserJet flow MFP M880",
    serialNumber: `CN${(4_000_000 + n).toString(36).toUpperCase()}K7`,
    macAddress: "a0:d3:c1:5e:22:f0",
    firmware: "2409081_001000",
    hostname: `NPI5E22F${n % 100}`,
    uptime: durationFromMs(86_400_000 + n),
    credential: "office",
    readAt: timestampFromMs(1_785_000_000_000 + n * 1000),
    readDurationMs: 420,
    sysLocation: "2nd floor, next to the kitchen",
    sysContact: "it-support@example.com",
    snmpVersion: SnmpVersion.V2C,
    profile: "hp",
    requestCount: 61,
    counters: COUNTERS.map(([kind, oid, name], i) => ({ kind, value: BigInt(base >> i), unit: CounterUnit.IMPRESSIONS, oid, name, markerIndex: oid.startsWith("1.3.6.1.2.1.43") ? 1 : 0 })),
    supplies: [
      ...COLOURS.map((color, i) => ({
        index: i + 1,
        description: `${color[0].toUpperCase()}${color.slice(1)} Cartridge HP CF30${i}A`,
        type: SupplyType.TONER_CARTRIDGE,
        color,
        level: 40 + ((n + i * 13) % 60),
        maxCapacity: 100,
        percent: 40 + ((n + i * 13) % 60),
        state: SupplyState.OK,
        percentBasis: "level / max capacity",
        unit: "percent",
        levelOid: `1.3.6.1.2.1.43.11.1.1.9.1.${i + 1}`,
      })),
      ...COLOURS.map((color, i) => ({
        index: i + 5,
        description: `${color[0].toUpperCase()}${color.slice(1)} Drum HP CF36${i}A`,
        type: SupplyType.OPC,
        color,
        level: -3,
        maxCapacity: -2,
        state: SupplyState.SOME_REMAINING,
        percentBasis: "level -3: some remaining, amount unknown",
        unit: "percent",
        levelOid: `1.3.6.1.2.1.43.11.1.1.9.1.${i + 5}`,
      })),
      { index: 9, description: "Toner Collection Unit HP CF367A", type: SupplyType.WASTE_TONER, level: 80, maxCapacity: 100, percent: 80, state: SupplyState.OK, percentBasis: "remaining space", receptacle: true, unit: "percent", levelOid: "1.3.6.1.2.1.43.11.1.1.9.1.9" },
      { index: 10, description: "Fuser Kit HP C1N54A", type: SupplyType.FUSER, level: 91, maxCapacity: 100, percent: 91, state: SupplyState.OK, percentBasis: "level / max capacity", unit: "percent", levelOid: "1.3.6.1.2.1.43.11.1.1.9.1.10" },
    ],
    trays: [1, 2, 3, 4].map((index) => ({
      index,
      name: index === 1 ? "Tray 1" : `Tray ${index}`,
      description: index === 1 ? "Multi-purpose tray" : "Cassette",
      type: index === 1 ? "sheetFeedManual" : "sheetFeedAutoRemovableTray",
      maxCapacity: index === 1 ? 100 : 500,
      currentLevel: -3,
      state: TrayState.SOME_REMAINING,
      mediaName: index === 2 ? "A3" : "A4",
      mediaDimensionFeed: 297000,
      mediaDimensionCrossFeed: 210000,
    })),
    status: { printerStatus: "idle", deviceStatus: "warning", detectedErrors: ["lowPaper"], detectedErrorStateHex: "8000" },
    alerts: [
      { index: 12, severity: "warning", group: "input", groupIndex: 3, location: 0, code: "inputMediaSupplyLow", codeValue: 808, description: "Tray 3 low", time: durationFromMs(3_600_000), trainingLevel: "untrained" },
      { index: 13, severity: "other", group: "generalPrinter", groupIndex: 1, location: 0, code: "sleeping", codeValue: 1104, description: "Sleep mode on", time: durationFromMs(7_200_000), trainingLevel: "noInterventionRequired" },
    ],
    console: ["Ready", "Tray 3 low"],
  });
}
