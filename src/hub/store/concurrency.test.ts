import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { openHubStore } from "./index.ts";
import { MIGRATIONS } from "./schema.ts";
import { makeReading, outbox, tempDataDir } from "../../../test/support/hub-store-fixtures.ts";

// Child processes open the same hub.db as this test: real separate SQLite connections and locks.
const CHILD = `
import { openHubStore } from ${JSON.stringify(join(import.meta.dir, "index.ts"))};
import { makeReading, outbox } from ${JSON.stringify(join(import.meta.dir, "../../../test/support/hub-store-fixtures.ts"))};
const [mode, dataDir, arg] = process.argv.slice(2);
const store = openHubStore(dataDir);
if (mode === "site") store.createSite(arg);
if (mode === "readings") {
  const agent = store.getAgent(arg);
  for (let i = 0; i < 60; i++) {
    const t = Date.now();
    const r = store.storeReadings(agent, [
      outbox(arg + "-" + i, makeReading({ address: "10.0.0." + (i % 20), serial: "SN" + (i % 20), readAt: t, total: BigInt(i) })),
      outbox("shared-" + i, makeReading({ address: "10.0.1.1", serial: "SHARED", readAt: t })),
    ]);
    if (r.acknowledgedIds.length !== 2) throw new Error("not acknowledged: " + JSON.stringify(r));
  }
}
store.close();
`;

// Starting bun processes on a loaded machine takes seconds; the default 5 s is not enough.
const CHILD_TEST_TIMEOUT_MS = 30_000;

async function runChildren(script: string, argvs: string[][]) {
  const procs = argvs.map((a) => Bun.spawn([process.execPath, script, ...a], { stdout: "pipe", stderr: "pipe" }));
  const codes = await Promise.all(procs.map((p) => p.exited));
  const errors = await Promise.all(procs.map((p) => new Response(p.stderr).text()));
  return { codes, errors };
}

describe("several processes on one hub.db", () => {
  test("processes that open a new file at once migrate it once and all write", async () => {
    const dataDir = tempDataDir();
    const script = join(dirname(dataDir), "child.ts");
    writeFileSync(script, CHILD);
    const { codes, errors } = await runChildren(script, [0, 1, 2, 3, 4].map((i) => ["site", dataDir, `Site ${i}`]));
    expect({ codes, errors: errors.filter(Boolean) }).toEqual({ codes: [0, 0, 0, 0, 0], errors: [] });
    const store = openHubStore(dataDir);
    expect(store.listSites().map((s) => s.name)).toEqual(["Site 0", "Site 1", "Site 2", "Site 3", "Site 4"]);
    store.close();
    const db = new Database(join(dataDir, "hub.db"), { readonly: true });
    expect(db.query("SELECT version FROM schema_version").all()).toEqual(MIGRATIONS.map((_, i) => ({ version: i + 1 })));
    expect(db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    db.close();
  }, CHILD_TEST_TIMEOUT_MS);

  test("two processes and this one upload at once: every reading lands once, nothing is lost", async () => {
    const dataDir = tempDataDir();
    const script = join(dirname(dataDir), "child.ts");
    writeFileSync(script, CHILD);
    const store = openHubStore(dataDir);
    const site = store.createSite("Busy");
    const agents = ["i1", "i2", "i3"].map((installId) => {
      const r = store.activate({ code: store.createActivationCode(site.id).code, installId, hostname: installId, agentVersion: "0", platform: "linux-x64" });
      if (!r.ok) throw new Error(r.reason);
      return r.agent;
    });
    const children = runChildren(script, [["readings", dataDir, agents[0].id], ["readings", dataDir, agents[1].id]]);
    // Meanwhile this process writes too, yielding so that the children's exits are seen.
    for (let i = 0; i < 60; i++) {
      const r = store.storeReadings(agents[2], [outbox(`main-${i}`, makeReading({ address: "10.0.2.1", serial: "MAIN", readAt: Date.now() })), outbox(`shared-${i}`, makeReading({ address: "10.0.1.1", serial: "SHARED", readAt: Date.now() }))]);
      expect(r.acknowledgedIds).toEqual([`main-${i}`, `shared-${i}`]);
      await Bun.sleep(1);
    }
    const { codes, errors } = await children;
    expect({ codes, errors: errors.filter(Boolean) }).toEqual({ codes: [0, 0], errors: [] });
    expect(store.countReadings({ agentId: agents[0].id }) + store.countReadings({ agentId: agents[1].id }) + store.countReadings({ agentId: agents[2].id })).toBe(
      60 * 3 + 60,
    );
    expect(store.countReadings({ siteId: site.id })).toBe(240);
    expect(store.readingIds().filter((id) => id.startsWith("shared-"))).toHaveLength(60);
    // One device per serial however the writes interleaved: 20 from the children, SHARED, MAIN.
    expect(store.listDevices({ siteId: site.id })).toHaveLength(22);
    const received = store.listAgents(site.id).reduce((n, a) => n + a.readingsReceived, 0);
    expect(received).toBe(240);
    store.close();
  }, CHILD_TEST_TIMEOUT_MS);
});
