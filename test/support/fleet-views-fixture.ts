/**
 * A small fleet with everything the fleet views tell apart, in an admin
 * harness, at a known "now" (2026-03-10T12:00Z): site North with four
 * devices (one fine and moved address, one in warning with a low cyan, one
 * down, missed and low only by its state, one without status and flagged)
 * and three agents (polled, silent for an hour, disabled); site South with
 * one device (read half an hour ago) and one agent. Tests compare the views against these exact facts.
 */
import { type MessageInitShape, create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { TaskSchema } from "../../src/gen/dca/v1/agent_service_pb.ts";
import { CounterKind, CounterUnit, type DeviceReading, DeviceReadingSchema, type SupplySchema, SupplyState, SupplyType } from "../../src/gen/dca/v1/reading_pb.ts";
import type { Agent, DeviceSummary, Site } from "../../src/hub/store/index.ts";
import { type AdminHarness, adminHarness } from "./admin-harness.ts";
import { outbox, testClock } from "./hub-store-fixtures.ts";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** The fixture's now. */
export const NOW = Date.parse("2026-03-10T12:00:00Z");

type SupplyInit = Omit<MessageInitShape<typeof SupplySchema>, "$typeName">;

/** What a test reading holds. */
export interface TestReadingSpec {
  address: string;
  serial: string;
  mac?: string;
  vendor: string;
  model: string;
  readAt: number;
  total?: bigint;
  mono?: bigint;
  /** deviceStatus, printerStatus, then detected errors; none: no status answered. */
  status?: string[];
  supplies?: SupplyInit[];
  firmware?: string;
}

/** A reading with the given facts and an "other" meter beside the plain ones. */
export function testReading(s: TestReadingSpec): DeviceReading {
  const counters = [
    ...(s.total === undefined ? [] : [{ kind: CounterKind.TOTAL, value: s.total, unit: CounterUnit.IMPRESSIONS, oid: "1.3.6.1.2.1.43.10.2.1.4.1.1", name: "prtMarkerLifeCount" }]),
    ...(s.mono === undefined ? [] : [{ kind: CounterKind.MONO, value: s.mono, unit: CounterUnit.IMPRESSIONS, oid: "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.6.0", name: "mono" }]),
  ];
  return create(DeviceReadingSchema, {
    address: s.address,
    vendor: s.vendor,
    model: s.model,
    serialNumber: s.serial,
    macAddress: s.mac ?? "",
    firmware: s.firmware ?? "",
    readAt: timestampFromMs(s.readAt),
    credential: "office",
    counters,
    supplies: (s.supplies ?? []).map((x, i) => ({ index: i + 1, type: SupplyType.TONER_CARTRIDGE, ...x })),
    status: s.status ? { deviceStatus: s.status[0] ?? "", printerStatus: s.status[1] ?? "", detectedErrors: s.status.slice(2) } : undefined,
  });
}

export interface FleetViewsFixture extends AdminHarness {
  north: Site;
  south: Site;
  agents: { n1: Agent; n2: Agent; n3: Agent; s1: Agent };
  /** North's devices d1-d4 and South's d5, as the store lists them now. */
  d: Record<"d1" | "d2" | "d3" | "d4" | "d5", DeviceSummary>;
}

const black = (percent: number, level = Math.round(percent * 10)): SupplyInit => ({ description: "Black Toner", color: "black", level, maxCapacity: 1000, percent, state: percent <= 10 ? SupplyState.LOW : SupplyState.OK, levelOid: "1.3.6.1.2.1.43.11.1.1.9.1.1" });

/** The fleet, with the clock left at NOW. */
export function fleetViewsFixture(): FleetViewsFixture {
  const h = adminHarness({ clock: testClock(NOW - 5 * DAY) });
  const { store, clock } = h;
  const siteWithAgents = (name: string, n: number) => {
    const site = store.createSite(name);
    const agents = Array.from({ length: n }, (_, i) => {
      const r = store.activate({ code: store.createActivationCode(site.id).code, installId: `${name}-install-${i}`.padEnd(32, "x"), hostname: `${name}-pc${i + 1}`, agentVersion: "0.1.0", platform: "linux-x64" });
      if (!r.ok) throw new Error(r.reason);
      return r.agent;
    });
    return { site, agents };
  };
  const north = siteWithAgents("North", 3);
  const south = siteWithAgents("South", 1);
  const [n1, n2, n3] = north.agents as [Agent, Agent, Agent];
  const s1 = south.agents[0]!;
  const store1 = (agent: Agent, id: string, r: DeviceReading, receivedAt: number) => {
    clock.set(receivedAt);
    store.storeReadings(agent, [outbox(id, r)]);
  };
  // d1: read daily for three days, moved from .5 to .9 after the first.
  for (const [i, addr] of ["10.0.0.5", "10.0.0.9", "10.0.0.9"].entries()) {
    const at = NOW - (3 - i) * DAY + HOUR;
    store1(n1, `d1-r${i + 1}`, testReading({ address: addr, serial: "N-001", mac: "AA:BB:CC:00:00:01", vendor: "HP", model: "LaserJet M507", readAt: at, total: 1000n + BigInt(i) * 100n, mono: 900n + BigInt(i) * 100n, status: ["running", "idle"], supplies: [black(55)], firmware: "2409081_001000" }), at);
  }
  // d2: warning; cyan at 8 % (low), black level -3 (some remaining, no percent).
  store1(n1, "d2-r1", testReading({ address: "10.0.0.10", serial: "N-002", vendor: "HP", model: "Color LaserJet M554", readAt: NOW - 2 * HOUR, total: 5000n, status: ["warning", "idle", "lowToner"], supplies: [
    { description: "Cyan Cartridge", color: "cyan", level: 80, maxCapacity: 1000, percent: 8, state: SupplyState.LOW },
    { description: "Black Cartridge", color: "black", level: -3, maxCapacity: 1000, state: SupplyState.SOME_REMAINING, percentBasis: "level -3: some remains, amount not reported; no percent" },
  ] }), NOW - 2 * HOUR);
  // d3: down and missed (30 h); its toner is low by the vendor's state only (no percent).
  store1(n2, "d3-r1", testReading({ address: "10.0.0.100", serial: "N-003", vendor: "Brother", model: "HL-L8360", readAt: NOW - 30 * HOUR, total: 777n, status: ["down", "other", "jammed"], supplies: [{ description: "Toner", level: -2, state: SupplyState.LOW }] }), NOW - 30 * HOUR);
  // d4: no status answered; its meter went backwards (a flag), an hour ago.
  store1(n1, "d4-r1", testReading({ address: "10.0.0.2", serial: "N-004", vendor: "Kyocera", model: "ECOSYS P3155", readAt: NOW - 5 * HOUR, total: 2000n }), NOW - 5 * HOUR);
  store1(n1, "d4-r2", testReading({ address: "10.0.0.2", serial: "N-004", vendor: "Kyocera", model: "ECOSYS P3155", readAt: NOW - HOUR, total: 1500n }), NOW - HOUR);
  store1(s1, "d5-r1", testReading({ address: "10.1.0.7", serial: "S-001", vendor: "HP", model: "LaserJet M507", readAt: NOW - HOUR / 2, total: 42n, status: ["running", "printing"], supplies: [black(70)] }), NOW - HOUR / 2);
  const poll = (a: Agent, at: number, outboxDepth: bigint) => {
    clock.set(at);
    store.recordPoll(a.id, { configVersion: 1n, outboxDepth, outboxBytes: 0n, droppedReadings: 0n, agentVersion: "0.1.0", hostname: a.hostname, lastError: "", knownDevices: 0 });
  };
  poll(n1, NOW - 2 * 60_000, 5n);
  poll(n2, NOW - HOUR, 7n);
  poll(n3, NOW - 60_000, 100n);
  poll(s1, NOW - 60_000, 0n);
  clock.set(NOW);
  store.setAgentDisabled(n3.id, true);
  store.createTask(north.site.id, create(TaskSchema, { kind: { case: "scan", value: {} } }));
  const bySerial = (serial: string) => store.listDevices().find((d) => d.serialNumber === serial)!;
  return {
    ...h,
    // The owner's session was made at the harness's start, five days ago: a fresh one.
    api: h.as("owner"),
    north: north.site,
    south: south.site,
    agents: { n1, n2, n3, s1 },
    d: { d1: bySerial("N-001"), d2: bySerial("N-002"), d3: bySerial("N-003"), d4: bySerial("N-004"), d5: bySerial("S-001") },
  };
}
