/**
 * The `--json` output of `dca read` in one canonical shape: validated against the proto
 * (unknown fields and wrong enum names are errors) and re-emitted with every implicit
 * field present, so a test can read `supply.level` without caring that proto3 JSON
 * omits zeros. Enums stay strings, 64-bit integers stay strings, as on the wire.
 */
import { fromJson, toJson } from "@bufbuild/protobuf";
import {
  type CounterJson as CounterJsonGen,
  type DeviceReadingJson,
  DeviceReadingSchema,
  type SupplyJson as SupplyJsonGen,
  type TrayJson as TrayJsonGen,
} from "../../src/gen/dca/v1/reading_pb.ts";

/**
 * A JSON type generated from the proto (json_types=true) with every implicit field
 * present, as toJson(..., { alwaysEmitImplicit: true }) emits it. Proto3 `optional`
 * fields (percent) are still absent when unset.
 */
type Filled<T> = T extends (infer U)[] ? Filled<U>[] : T extends object ? { [K in keyof T]-?: Filled<T[K]> } : T;
/** dca never emits NaN or Infinity, so a percent is a plain number when present. */
type WithPercent<T> = Omit<Filled<T>, "percent"> & { percent?: number };

export type CounterJson = Filled<CounterJsonGen>;
export type SupplyJson = WithPercent<SupplyJsonGen>;
export type TrayJson = WithPercent<TrayJsonGen>;
export type ReadingJson = Omit<Filled<DeviceReadingJson>, "supplies" | "trays"> & { supplies: SupplyJson[]; trays: TrayJson[] };

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
