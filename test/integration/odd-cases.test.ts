/**
 * The odd-case recordings (test/fixtures/profiles/odd-*.snmprec), checked
 * where their .golden.json cannot say it: a percent that must be absent,
 * flags and OIDs the golden format does not carry, and that the simulator
 * really misbehaves the way each recording claims (a duplicated OID served
 * twice, a value no manager can decode), so the goldens do not pass for
 * the wrong reason. Everything is served by the fleet simulator on
 * 127.0.0.1 and read with readDevice over real UDP.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { type DeviceReading, SupplyState } from "../../src/gen/dca/v1/reading_pb.ts";
import { readDevice } from "../../src/agent/reader/read-device.ts";
import { createNetSnmpSession } from "../../src/agent/snmp/net-snmp-session.ts";
import type { SnmpSession } from "../../src/agent/snmp/session.ts";
import { type Fleet, startFleet } from "../sim/fleet.ts";
import { repoRoot } from "../support/shared-dir.ts";
import { secret } from "../../src/common/secret.ts";

const DIR = join(repoRoot, "test/fixtures/profiles");
const NAMES = [
  "odd-supply-states",
  "odd-waste-receptacle",
  "odd-brother-status",
  "odd-hex-strings",
  "odd-hp-index-zero",
  "odd-duplicate-oid",
  "odd-corrupt-meter",
];
/** ricohEngCounterTable value column (RICOH-PRIVATE-MIB). */
const RICOH_VALUES = "1.3.6.1.4.1.367.3.2.1.2.19.5.1.9";

let fleet: Fleet;
const sessions: SnmpSession[] = [];

beforeAll(async () => {
  fleet = await startFleet({ dataDir: { address: "127.0.0.1", recordings: NAMES.map((n) => join(DIR, `${n}.snmprec`)) } });
});
afterAll(async () => {
  for (const s of sessions) s.close();
  await fleet?.stop();
});

// A short timeout: the corrupt value costs one timeout per request that meets it.
const target = () => ({ host: "127.0.0.1", port: fleet.dataDir!.port, timeoutMs: 400, retries: 0 });

function read(name: string): Promise<DeviceReading> {
  return readDevice({ target: target(), credentials: [{ name: "odd", version: "v2c", community: secret(name) }] });
}

function session(name: string): SnmpSession {
  const s = createNetSnmpSession(target(), { name: "odd", version: "v2c", community: secret(name) });
  sessions.push(s);
  return s;
}

const supply = (r: DeviceReading, description: string) => {
  const s = r.supplies.find((x) => x.description === description);
  if (!s) throw new Error(`no supply "${description}" in ${JSON.stringify(r.supplies.map((x) => x.description))}`);
  return s;
};

describe("odd cases the goldens cannot express", () => {
  test("levels -1/-2/-3 and capacity -2 are states with no percent; the raw values are kept", async () => {
    const r = await read("odd-supply-states");
    const rows: [string, number, number, SupplyState][] = [
      ["Black Toner", -1, -1, SupplyState.UNLIMITED],
      ["Cyan Toner", -2, 100, SupplyState.UNKNOWN],
      ["Magenta Toner", -3, 100, SupplyState.SOME_REMAINING],
      ["Yellow Toner", 40, -2, SupplyState.OK],
      ["Staple Cartridge", 0, -2, SupplyState.EMPTY],
    ];
    for (const [description, level, max, state] of rows) {
      const s = supply(r, description);
      expect(`${description}: ${s.percent} ${s.level} ${s.maxCapacity} ${SupplyState[s.state]}`).toBe(
        `${description}: undefined ${level} ${max} ${SupplyState[state]}`,
      );
    }
  });

  test("waste receptacles are flagged as such; a consumable is not", async () => {
    const r = await read("odd-waste-receptacle");
    expect(r.supplies.map((s) => `${s.description}: ${s.receptacle}`)).toEqual([
      "Black Toner: false",
      "Waste Toner Box: true",
      "Waste Toner Bottle: true",
      "Waste Ink Pad: true",
      "Secondary Waste Toner Box: true",
    ]);
    expect(supply(r, "Waste Ink Pad").percent).toBeUndefined();
    expect(supply(r, "Secondary Waste Toner Box").percent).toBeUndefined();
  });

  test("Brother toner known only by status code has a state and no percent", async () => {
    const r = await read("odd-brother-status");
    for (const colour of ["Black", "Cyan", "Magenta", "Yellow"]) {
      const s = supply(r, `${colour} Toner Cartridge`);
      expect(`${colour}: ${s.percent} ${SupplyState[s.state]}`).toBe(`${colour}: undefined ${colour === "Magenta" ? "LOW" : "OK"}`);
    }
    expect(supply(r, "Drum Unit").percent).toBe(76);
    expect(r.problems).toEqual([]);
  });

  test("hex recordings really carry UTF-16 and split bytes, and read as clean text", async () => {
    const [cyan, yellow] = await session("odd-hex-strings").get(["1.3.6.1.2.1.43.11.1.1.6.1.2", "1.3.6.1.2.1.43.11.1.1.6.1.4"]);
    expect(Buffer.from(cyan!.value as Uint8Array).subarray(0, 4).toString("hex")).toBe("00430079"); // "Cy" in UTF-16BE
    expect(Buffer.from(yellow!.value as Uint8Array).toString("latin1")).toContain("Cartridge\n20 48 50");
    const r = await read("odd-hex-strings");
    for (const s of r.supplies) expect(s.description).toMatch(/^[\p{L}\p{N} ]+$/u);
  });

  test("Printer-MIB rows under hrDeviceIndex 0 keep their OIDs and find their colorant", async () => {
    const r = await read("odd-hp-index-zero");
    const black = supply(r, "Black Cartridge HP 89X CF289X");
    expect(`${black.color} ${black.levelOid}`).toBe("black 1.3.6.1.2.1.43.11.1.1.9.0.1");
    expect(r.counters.map((c) => `${c.oid} ${c.markerIndex}`)).toEqual(["1.3.6.1.2.1.43.10.2.1.4.0.1 1"]);
  });

  test("a duplicated OID is served twice in a row and read once, with its first value", async () => {
    const bulk = await session("odd-duplicate-oid").getBulk([RICOH_VALUES], 0, 4);
    expect(bulk.map((vb) => `${vb.oid}=${vb.value}`)).toEqual([
      `${RICOH_VALUES}.1=54321`,
      `${RICOH_VALUES}.2=12000`,
      `${RICOH_VALUES}.2=99999`,
      `${RICOH_VALUES}.3=12000`,
    ]);
    const r = await read("odd-duplicate-oid");
    const oids = r.counters.map((c) => c.oid);
    expect(oids.length).toBe(new Set(oids).size);
    expect(r.counters.find((c) => c.oid === `${RICOH_VALUES}.2`)?.value).toBe(12000n);
    expect(r.counters.find((c) => c.oid === "1.3.6.1.2.1.43.10.2.1.4.1.1")?.value).toBe(54321n);
    expect(r.problems).toEqual([]);
  });

  test("a corrupt value mid-table is unreadable on the wire; the read names it and keeps its neighbours", async () => {
    const s = session("odd-corrupt-meter");
    expect((await s.get([`${RICOH_VALUES}.2`, `${RICOH_VALUES}.4`])).map((vb) => vb.value)).toEqual([15000, 46000]);
    const err = await s.get([`${RICOH_VALUES}.3`]).then(
      () => "answered",
      (e: Error) => e.message,
    );
    expect(err).toContain("unreadable");
    const r = await read("odd-corrupt-meter");
    expect(r.problems.map((p) => p.oid)).toEqual([`${RICOH_VALUES}.3`]);
    const ricoh = r.counters.filter((c) => c.oid.startsWith(`${RICOH_VALUES}.`)).map((c) => `${c.oid.slice(RICOH_VALUES.length + 1)}=${c.value}`);
    expect(ricoh).toEqual(["1=61000", "2=15000", "4=46000", "5=46000", "6=9900"]);
  });
});
