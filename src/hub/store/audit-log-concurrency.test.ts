import { describe, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { openHubStore } from "./index.ts";
import { sampleRecord } from "../../../test/support/audit-fixtures.ts";
import { tempDataDir, testClock } from "../../../test/support/hub-store-fixtures.ts";

// Child processes append to the same hub.db as this test: separate SQLite connections and locks,
// as the server and the break-glass admin-local command are.
const CHILD = `
import { existsSync, writeFileSync } from "node:fs";
import { openHubStore } from ${JSON.stringify(join(import.meta.dir, "index.ts"))};
const [dataDir, name, count] = process.argv.slice(2);
const store = openHubStore(dataDir);
// All writers start together: say ready, wait for the go.
writeFileSync(dataDir + "/../ready-" + name, "");
while (!existsSync(dataDir + "/../go")) await Bun.sleep(2);
for (let i = 0; i < Number(count); i++) {
  const r = store.appendAudit({ actor: name, action: "Step", outcome: "ok", detail: { i } });
  if (r.detail.i !== i) throw new Error("wrong record back: " + JSON.stringify(r));
  // Let the other writers take the lock now and then: SQLite's busy wait favours whoever holds it.
  if (i % 10 === 0) await Bun.sleep(1);
}
store.close();
`;

// Starting bun processes on a loaded machine takes seconds; the default 5 s is not enough.
const CHILD_TEST_TIMEOUT_MS = 60_000;

describe("audit log: several writers", () => {
  test("two connections in one process, appending in turn, keep one chain", () => {
    const dataDir = tempDataDir();
    const clock = testClock();
    const a = openHubStore(dataDir, { clock });
    const b = openHubStore(dataDir, { clock });
    const records = [];
    for (let i = 0; i < 100; i++) {
      clock.advance(10);
      records.push((i % 3 === 0 ? b : a).appendAudit(sampleRecord(i)));
    }
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    for (let i = 1; i < records.length; i++) expect(records[i].prevHash).toBe(records[i - 1].hash);
    expect(a.verifyAudit()).toMatchObject({ ok: true, records: 100 });
    expect(b.verifyAudit()).toEqual(a.verifyAudit());
    a.close();
    b.close();
  });

  test("three processes and this one append at once: every record lands once, in one chain", async () => {
    const dataDir = tempDataDir();
    const script = join(dirname(dataDir), "child.ts");
    writeFileSync(script, CHILD);
    const store = openHubStore(dataDir);
    const procs = ["p1", "p2", "p3"].map((name) => Bun.spawn([process.execPath, script, dataDir, name, "300"], { stdout: "pipe", stderr: "pipe" }));
    const root = dirname(dataDir);
    for (let waited = 0; !["p1", "p2", "p3"].every((n) => existsSync(join(root, `ready-${n}`))); waited += 5) {
      if (waited > 45_000) throw new Error("the children did not open the store within 45 s");
      await Bun.sleep(5);
    }
    writeFileSync(join(root, "go"), "");
    // This process appends too, yielding so that the children's exits are seen.
    for (let i = 0; i < 150; i++) {
      store.appendAudit({ actor: "main", action: "Step", outcome: "ok", detail: { i } });
      await Bun.sleep(1);
    }
    const codes = await Promise.all(procs.map((p) => p.exited));
    const errors = await Promise.all(procs.map((p) => new Response(p.stderr).text()));
    expect({ codes, errors: errors.filter(Boolean) }).toEqual({ codes: [0, 0, 0], errors: [] });

    expect(store.verifyAudit()).toMatchObject({ ok: true, records: 1050, firstSeq: 1, lastSeq: 1050 });
    const all = store.listAudit({ limit: 2000 }).reverse();
    for (const name of ["main", "p1", "p2", "p3"]) {
      // Each writer's records are all there, in the order it wrote them.
      const n = name === "main" ? 150 : 300;
      expect(all.filter((r) => r.actor === name).map((r) => r.detail.i)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    // The writers really interleaved (otherwise this test proves nothing about serialising them).
    const switches = all.filter((r, i) => i > 0 && r.actor !== all[i - 1].actor).length;
    expect(switches).toBeGreaterThan(3);
    store.close();
  }, CHILD_TEST_TIMEOUT_MS);
});
