/**
 * Golden tests per vendor profile: each recording in test/fixtures/profiles
 * (written for this repo; its .md says where every value came from) is
 * served by the fleet simulator and read with readDevice; the reading must
 * match its .golden.json: identity exactly, the counters as an exact set
 * (kind, value, unit, oid, name), the listed supplies by description, and
 * each listed problem as a substring of some ReadProblem.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { type DeviceReadingJson, DeviceReadingSchema } from "../../src/gen/dca/v1/reading_pb.ts";
import { readDevice } from "../../src/agent/reader/read-device.ts";
import { type Fleet, startFleet } from "../sim/fleet.ts";
import { repoRoot } from "../support/shared-dir.ts";
import { secret } from "../../src/common/secret.ts";
import { messageToJson } from "../../src/common/message-json.ts";

const dir = join(repoRoot, "test/fixtures/profiles");
const recordings = existsSync(dir)
  ? readdirSync(dir).filter((f) => f.endsWith(".snmprec") && !f.includes("@")).map((f) => join(dir, f)).sort()
  : [];

interface Golden {
  vendor?: string;
  model?: string;
  serialNumber?: string;
  firmware?: string;
  networkFirmware?: string;
  counters?: { kind: string; value: string; unit?: string; oid: string; name: string }[];
  supplies?: { description: string; type?: string; percent?: number; state?: string; percentBasis?: string; remainingPages?: number }[];
  problems?: string[];
}

let fleet: Fleet;
beforeAll(async () => {
  if (recordings.length) fleet = await startFleet({ dataDir: { address: "127.0.0.1", recordings } });
});
afterAll(async () => {
  await fleet?.stop();
});

const counterKey = (c: { kind?: string; value?: string; unit?: string; oid?: string; name?: string }) =>
  `${c.kind} ${c.value ?? "0"} ${c.unit ?? "COUNTER_UNIT_IMPRESSIONS"} ${c.oid} ${c.name}`;

describe("profile goldens", () => {
  test("every recording has a golden and a provenance note", () => {
    for (const r of recordings) {
      const stem = r.slice(0, -".snmprec".length);
      expect(existsSync(`${stem}.golden.json`) ? "" : `${basename(stem)}.golden.json missing`).toBe("");
      expect(existsSync(`${stem}.md`) ? "" : `${basename(stem)}.md missing`).toBe("");
    }
  });

  for (const file of recordings) {
    const stem = basename(file, ".snmprec");
    const goldenPath = file.replace(/\.snmprec$/, ".golden.json");
    if (!existsSync(goldenPath)) continue;
    test(stem, async () => {
      const golden = JSON.parse(readFileSync(goldenPath, "utf8")) as Golden;
      const reading = await readDevice({
        target: { host: fleet.dataDir!.address, port: fleet.dataDir!.port, timeoutMs: 1000, retries: 1 },
        credentials: [{ name: "golden", version: "v2c", community: secret(stem) }],
      });
      // As dca prints it: every implicit field present (a jam count of 0, an UNSPECIFIED unit).
      const json = messageToJson(DeviceReadingSchema, reading) as DeviceReadingJson;
      for (const field of ["vendor", "model", "serialNumber", "firmware", "networkFirmware"] as const) {
        if (golden[field] !== undefined) expect(`${field}: ${json[field] ?? ""}`).toBe(`${field}: ${golden[field]}`);
      }
      if (golden.counters) {
        const got = (json.counters ?? []).map((c) => counterKey(c as never)).sort();
        expect(got).toEqual(golden.counters.map(counterKey).sort());
      }
      for (const s of golden.supplies ?? []) {
        const hit = (json.supplies ?? []).find((x) => x.description === s.description);
        expect(hit ? "" : `supply "${s.description}" missing`).toBe("");
        if ("percent" in s) expect(`${s.description}: ${hit?.percent}`).toBe(`${s.description}: ${s.percent}`);
        if (s.state) expect(`${s.description}: ${hit?.state}`).toBe(`${s.description}: ${s.state}`);
        if (s.percentBasis) expect(`${s.description}: ${hit?.percentBasis}`).toBe(`${s.description}: ${s.percentBasis}`);
        if (s.type) expect(`${s.description}: ${hit?.type}`).toBe(`${s.description}: ${s.type}`);
        if ("remainingPages" in s) expect(`${s.description}: ${hit?.remainingPages}`).toBe(`${s.description}: ${s.remainingPages}`);
      }
      for (const p of golden.problems ?? []) {
        const messages = (json.problems ?? []).map((x) => `${x.oid ?? ""} ${x.message ?? ""}`);
        expect(messages.some((m) => m.includes(p)) ? "" : `no problem mentions "${p}" (got ${JSON.stringify(messages)})`).toBe("");
      }
    });
  }
});
