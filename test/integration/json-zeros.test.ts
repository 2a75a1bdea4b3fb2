/**
 * Zeros are facts: an empty toner (level 0), a capacity of 0, a counter at 0,
 * an empty tray. proto3 JSON leaves zero values out unless told otherwise;
 * this checks the raw JSON text (never re-filled by a parser) of `dca read
 * --json` and `dca scan --json` as processes, and of the hub's
 * `device readings --json` and `device list --json` after the same reading
 * is stored. A level the device did not answer stays absent: absent means
 * unknown, 0 means 0. Recording: test/fixtures/profiles/odd-zero-values.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { readDevice } from "../../src/agent/reader/read-device.ts";
import { runAdminCommand } from "../../src/hub/admin/index.ts";
import { secret } from "../../src/common/secret.ts";
import { type Fleet, startFleet } from "../sim/fleet.ts";
import { dcaCommand } from "../support/dca-cli.ts";
import { adminHarness } from "../support/admin-harness.ts";
import { outbox, testClock } from "../support/hub-store-fixtures.ts";
import { repoRoot } from "../support/shared-dir.ts";

const ADDRESS = "127.23.0.1";
const port = 16900 + Math.floor(Math.random() * 500);
let fleet: Fleet;

beforeAll(async () => {
  fleet = await startFleet({ devices: [{ address: ADDRESS, port, recording: join(repoRoot, "test/fixtures/profiles/odd-zero-values.snmprec") }] });
});
afterAll(() => fleet?.stop());

async function dca(...args: string[]) {
  const proc = Bun.spawn([...dcaCommand().argv, ...args], { cwd: repoRoot, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, code };
}

type Json = Record<string, unknown>;
const byName = (rows: unknown, key: string, value: string) => {
  const hit = (rows as Json[]).find((r) => r[key] === value);
  if (!hit) throw new Error(`no row with ${key} "${value}" in ${JSON.stringify(rows)}`);
  return hit;
};

/** The zeros of odd-zero-values, as they must appear in any JSON of its reading. */
function expectZeros(reading: Json): void {
  const counters = reading.counters as Json[];
  expect(counters.map((c) => [c.kind, c.value, c.markerIndex])).toEqual([
    ["COUNTER_KIND_TOTAL", "0", 1],
    ["COUNTER_KIND_POWER_ON", "0", 1],
  ]);
  const supplies = reading.supplies as Json[];
  expect(byName(supplies, "description", "Black Toner")).toMatchObject({ level: 0, maxCapacity: 100, percent: 0, state: "SUPPLY_STATE_EMPTY" });
  expect(byName(supplies, "description", "Waste Toner Box")).toMatchObject({ level: 0, maxCapacity: 100, percent: 0, state: "SUPPLY_STATE_FULL" });
  const staples = byName(supplies, "description", "Staple Cartridge");
  expect(staples).toMatchObject({ level: 0, maxCapacity: 0, state: "SUPPLY_STATE_EMPTY" });
  expect("percent" in staples).toBe(false);
  // Not answered: absent, never a 0 that would read as "empty".
  const fuser = byName(supplies, "description", "Fuser Unit");
  expect(["level" in fuser, "maxCapacity" in fuser, "percent" in fuser, fuser.state]).toEqual([false, false, false, "SUPPLY_STATE_UNKNOWN"]);
  const trays = reading.trays as Json[];
  expect(byName(trays, "name", "Tray 1")).toMatchObject({ currentLevel: 0, maxCapacity: 250, percent: 0, state: "TRAY_STATE_EMPTY" });
  expect(byName(trays, "name", "Bypass Tray")).toMatchObject({ currentLevel: 0, maxCapacity: 0 });
}

describe("zeros in JSON", () => {
  test("dca read --json writes every zero", async () => {
    const r = await dca("read", `${ADDRESS}:${port}`, "--community", "public", "--json");
    expect(`${r.code} ${r.stderr}`).toBe("0 ");
    expectZeros(JSON.parse(r.stdout));
  });

  test("dca scan --json writes every zero", async () => {
    const r = await dca("scan", ADDRESS, "--port", String(port), "--community", "public", "--timeout", "500ms", "--json");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.length).toBe(1);
    expectZeros(JSON.parse(lines[0]));
  });

  test("the hub stores the reading and shows every zero", async () => {
    const reading = await readDevice({
      target: { host: ADDRESS, port, timeoutMs: 1000, retries: 1 },
      credentials: [{ name: "public", version: "v2c", community: secret("public") }],
    });
    // The hub's side in process: the real store and AdminService, as its owner.
    const { dataDir, clock, store, api } = adminHarness({ clock: testClock(Date.now()) });
    const site = store.createSite("Zeros");
    const a = store.activate({ code: store.createActivationCode(site.id).code, installId: "i", hostname: "h", agentVersion: "0", platform: "p" });
    if (!a.ok) throw new Error(a.reason);
    expect(store.storeReadings(a.agent, [outbox("zero1", reading)]).stored).toBe(1);
    const run = async (...argv: string[]) => {
      let out = "";
      const code = await runAdminCommand(argv, { dataDir, clock, api, out: (s) => void (out += s), err: (s) => void (out += s) });
      expect(`${code}`).toBe(`0`);
      return JSON.parse(out);
    };
    const [device] = await run("device", "list", "--json");
    expect(device).toMatchObject({ totalPages: 0, lowestSupply: { percent: 0 } });
    const [stored] = await run("device", "readings", device.id, "--json");
    expectZeros(stored.reading);
  });
});
