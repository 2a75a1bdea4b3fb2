/**
 * The `--json` output of `dca read` in one canonical shape: validated against the proto
 * (unknown fields and wrong enum names are errors) and re-emitted with every implicit
 * field present, so a test can read `supply.level` without caring that proto3 JSON
 * omits zeros. Enums stay strings, 64-bit integers stay strings, as on the wire.
 */
import { fromJson, toJson } from "@bufbuild/protobuf";
import { DeviceReadingSchema } from "../../src/gen/dca/v1/reading_pb.ts";

export interface CounterJson {
  kind: string;
  value: string;
  unit: string;
  oid: string;
  name: string;
  markerIndex: number;
}

export interface SupplyJson {
  index: number;
  description: string;
  type: string;
  color: string;
  level: number;
  maxCapacity: number;
  percent?: number;
  state: string;
  percentBasis: string;
  receptacle: boolean;
  unit: string;
  levelOid: string;
}

export interface TrayJson {
  index: number;
  name: string;
  description: string;
  type: string;
  maxCapacity: number;
  currentLevel: number;
  percent?: number;
  state: string;
  mediaName: string;
}

export interface ReadingJson {
  address: string;
  sysObjectId: string;
  sysDescr: string;
  vendor: string;
  model: string;
  serialNumber: string;
  macAddress: string;
  firmware: string;
  hostname: string;
  snmpVersion: string;
  profile: string;
  counters: CounterJson[];
  supplies: SupplyJson[];
  trays: TrayJson[];
  status?: { printerStatus: string; deviceStatus: string; detectedErrors: string[]; detectedErrorStateHex: string };
  alerts: Record<string, unknown>[];
  console: string[];
  problems: { section: string; oid: string; message: string }[];
  [field: string]: unknown;
}

/** Parses stdout of `dca read --json`; throws with a short reason when it is not a DeviceReading. */
export function parseReadingJson(stdout: string): ReadingJson {
  const text = stdout.trim();
  if (!text) throw new Error("empty stdout");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`stdout is not one JSON object: ${(e as Error).message}; starts with ${JSON.stringify(text.slice(0, 120))}`);
  }
  const message = fromJson(DeviceReadingSchema, raw as never);
  return toJson(DeviceReadingSchema, message, { alwaysEmitImplicit: true }) as unknown as ReadingJson;
}
