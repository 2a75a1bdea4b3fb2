import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { type Fleet, startFleet } from "../../../test/sim/fleet.ts";
import type { VarBind } from "./message.ts";
import { createNetSnmpSession } from "./net-snmp-session.ts";
import { walkMany } from "./walk-many.ts";
import { secret } from "../../common/secret.ts";

const fixtures = join(import.meta.dir, "../../../test/fixtures/snmprec");
const ROOTS = [
  "1.3.6.1.2.1.25.3.2.1", // hrDeviceEntry
  "1.3.6.1.2.1.43.5.1.1", // prtGeneralEntry
  "1.3.6.1.2.1.43.8.2.1", // prtInputEntry
  "1.3.6.1.2.1.43.10.2.1", // prtMarkerEntry
  "1.3.6.1.2.1.43.11.1.1", // prtMarkerSuppliesEntry
  "1.3.6.1.2.1.43.18.1.1", // prtAlertEntry
  "1.3.6.1.4.1.2699.1.3", // absent: PWG counters
];

let fleet: Fleet;
beforeAll(async () => {
  fleet = await startFleet({ dataDir: { address: "127.0.0.1", recordings: [join(fixtures, "color-mfp.snmprec"), join(fixtures, "mono-laser.snmprec")] } });
});
afterAll(async () => {
  await fleet.stop();
});

const session = (community: string) =>
  createNetSnmpSession({ host: "127.0.0.1", port: fleet.dataDir!.port, timeoutMs: 1000, retries: 1 }, { name: "t", version: "v2c", community: secret(community) });

describe("walkMany against the simulator", () => {
  for (const name of ["color-mfp", "mono-laser"]) {
    test(`${name}: the same rows as one walk per table, in fewer requests`, async () => {
      const single = session(name);
      const each = await Promise.all(ROOTS.map((r) => single.walk(r)));
      const many = session(name);
      const together = await walkMany(many, ROOTS);
      expect(together.map((w) => w.varbinds.map((vb) => `${vb.oid}=${String(vb.value)}`))).toEqual(
        each.map((w) => w.varbinds.map((vb) => `${vb.oid}=${String(vb.value)}`)),
      );
      expect(together.every((w) => !w.stopped)).toBe(true);
      expect(each.reduce((n, w) => n + w.varbinds.length, 0)).toBeGreaterThan(50);
      expect(many.requestCount).toBeLessThan(single.requestCount);
      single.close();
      many.close();
    });
  }
});

describe("walkMany falls back to the single walk", () => {
  const vb = (oid: string, value = 1): VarBind => ({ oid, tag: 2, value }) as VarBind;
  test("when a response makes no progress, each unfinished root is walked alone and nothing doubles", async () => {
    const walked: string[] = [];
    const t = {
      version: 2 as const,
      // The first row of each table, then the same row again and again: no progress.
      getBulk: async (oids: readonly string[]) => oids.map((o) => vb(o.endsWith(".1") ? o : `${o}.1`)),
      walk: async (root: string) => {
        walked.push(root);
        return { varbinds: [vb(`${root}.1`, 7)] };
      },
    };
    const r = await walkMany(t, ["1.3.6.1.2.1.43.5", "1.3.6.1.2.1.43.8"]);
    expect(walked).toEqual(["1.3.6.1.2.1.43.5", "1.3.6.1.2.1.43.8"]);
    expect(r.map((w) => w.varbinds.map((x) => x.oid))).toEqual([["1.3.6.1.2.1.43.5.1"], ["1.3.6.1.2.1.43.8.1"]]);
  });

  test("when GETBULK fails, and for SNMPv1", async () => {
    const walked: string[] = [];
    const t = {
      version: 2 as const,
      getBulk: async () => {
        throw new Error("tooBig");
      },
      walk: async (root: string) => {
        walked.push(root);
        return { varbinds: [] };
      },
    };
    await walkMany(t, ["1.1", "1.2"]);
    expect(walked).toEqual(["1.1", "1.2"]);
    walked.length = 0;
    await walkMany({ ...t, version: 1 as const }, ["1.3", "1.4"]);
    expect(walked).toEqual(["1.3", "1.4"]);
  });
});
