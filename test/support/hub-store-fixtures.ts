/**
 * Builders for store and admin tests: a fresh data folder, readings with
 * just the fields a test cares about, and a settable clock. Not used by the
 * hub itself.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { join } from "node:path";
import type { Clock } from "../../src/common/clock.ts";
import { type OutboxReading, OutboxReadingSchema } from "../../src/gen/dca/v1/agent_service_pb.ts";
import { CounterKind, CounterUnit, type DeviceReading, DeviceReadingSchema, SupplyState } from "../../src/gen/dca/v1/reading_pb.ts";
import { tempDir } from "./temp-dir.ts";

/** A data folder that does not exist yet, inside a new temp folder. */
export function tempDataDir(): string {
  return join(tempDir("dca-hub-store-"), "data");
}

/** A wall clock (the part of a Clock the hub store reads) that stays where it is set. */
export interface TestClock extends Pick<Clock, "now"> {
  set(ms: number): void;
  advance(ms: number): void;
  /** The time, as `now()` gives it. */
  readonly ms: number;
}

/** A TestClock starting at `start` (ms since the epoch). */
export function testClock(start = Date.parse("2026-03-01T08:00:00Z")): TestClock {
  let t = start;
  return {
    now: () => t,
    set: (ms: number) => void (t = ms),
    advance: (ms: number) => void (t += ms),
    get ms() {
      return t;
    },
  };
}

/** The parts of a reading a test sets. */
export interface ReadingSpec {
  address: string;
  readAt: number;
  serial?: string;
  mac?: string;
  vendor?: string;
  model?: string;
  total?: bigint;
  counters?: { kind: CounterKind; value: bigint; name?: string; unit?: CounterUnit }[];
  supplies?: { description: string; percent?: number }[];
}

/** A DeviceReading with the given identity, counters and supplies. */
export function makeReading(s: ReadingSpec): DeviceReading {
  const counters = [...(s.total === undefined ? [] : [{ kind: CounterKind.TOTAL, value: s.total }]), ...(s.counters ?? [])];
  return create(DeviceReadingSchema, {
    address: s.address,
    vendor: s.vendor ?? "HP",
    model: s.model ?? "LaserJet M507",
    serialNumber: s.serial ?? "",
    macAddress: s.mac ?? "",
    readAt: timestampFromMs(s.readAt),
    credential: "office",
    counters: counters.map((c) => ({ kind: c.kind, value: c.value, name: "name" in c ? (c.name ?? "") : "", unit: ("unit" in c ? c.unit : undefined) ?? CounterUnit.IMPRESSIONS })),
    supplies: (s.supplies ?? []).map((x, i) => ({ index: i + 1, description: x.description, percent: x.percent, state: SupplyState.OK })),
    status: { deviceStatus: "running", printerStatus: "idle" },
  });
}

let seq = 0n;
/** An outbox entry around a reading. */
export function outbox(id: string, reading: DeviceReading | undefined, taskId = ""): OutboxReading {
  return create(OutboxReadingSchema, { id, seq: ++seq, reading, taskId });
}
