/**
 * The SQLite hub store: every interface's suite (test/support/hub-store-suites),
 * then what only a file on disk has: its modes and journal, schema versions,
 * reopening, a newer or damaged file, and no secret at rest. Several
 * processes on one file: concurrency.test.ts.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type SqliteHubStore, openHubStore } from "./index.ts";
import { MIGRATIONS } from "./schema.ts";
import { tempDataDir, testClock } from "../../../test/support/hub-store-fixtures.ts";
import {
  type OpenStore,
  codeOf,
  describeAccountStore,
  describeAgentAdminStore,
  describeAgentApiStore,
  describeDeviceAdminStore,
  describeMeterHistoryStore,
  describeReleaseStore,
  describeSiteAdminStore,
  describeTaskAdminStore,
  describeWakeStore,
} from "../../../test/support/hub-store-suites/index.ts";

const fresh: OpenStore = () => {
  const clock = testClock();
  return { store: openHubStore(tempDataDir(), { clock }), clock };
};

describeAgentApiStore("SQLite", fresh);
describeWakeStore("SQLite", fresh);
describeSiteAdminStore("SQLite", fresh);
describeAgentAdminStore("SQLite", fresh);
describeDeviceAdminStore("SQLite", fresh);
describeMeterHistoryStore("SQLite", fresh);
describeTaskAdminStore("SQLite", fresh);
describeReleaseStore("SQLite", fresh);
describeAccountStore("SQLite", fresh);

const open: SqliteHubStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
const openStore = (dir = tempDataDir()) => {
  const s = openHubStore(dir, { clock: testClock() });
  open.push(s);
  return s;
};

describe("the hub database file", () => {
  test("is created private in a private folder, in WAL mode, at the newest schema version", () => {
    const dir = tempDataDir();
    const store = openStore(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(store.path).toBe(join(dir, "hub.db"));
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    const db = new Database(store.path, { readonly: true });
    expect(db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(db.query("SELECT max(version) AS v FROM schema_version").get()).toEqual({ v: MIGRATIONS.length });
    db.close();
  });

  test("keeps its data across reopening", () => {
    const dir = tempDataDir();
    const s1 = openStore(dir);
    const site = s1.createSite("Kept");
    s1.updateSiteConfig(site.id, (c) => void c.targets.push("10.0.0.0/24"));
    s1.close();
    const s2 = openStore(dir);
    expect(s2.getSite("Kept")).toEqual(site);
    expect(s2.getSiteConfig(site.id).targets).toEqual(["10.0.0.0/24"]);
  });

  test("a database from a newer hub, or a file that is no database, is refused plainly", () => {
    const newer = tempDataDir();
    openStore(newer).close();
    const db = new Database(join(newer, "hub.db"));
    db.run("INSERT INTO schema_version (version, applied_at) VALUES (?, 0)", [MIGRATIONS.length + 1]);
    db.close();
    const refusal = (dir: string) => {
      try {
        openHubStore(dir).close();
      } catch (e) {
        return e;
      }
    };
    expect(codeOf(() => openHubStore(newer))).toBe("failed-precondition");
    expect(refusal(newer)).toMatchObject({ reason: "newer-version", message: expect.stringContaining("use a newer dca-hub") });

    const junk = tempDataDir();
    mkdirSync(junk, { recursive: true });
    writeFileSync(join(junk, "hub.db"), "this is not a database, it is a text file with enough bytes to be read as a header");
    expect(codeOf(() => openHubStore(junk))).toBe("data-loss");
    expect(refusal(junk)).toMatchObject({ reason: "corrupt" });
  });

  test("keeps neither an activation code nor an agent secret", () => {
    const store = openStore();
    const site = store.createSite("Acme Print");
    const { code } = store.createActivationCode(site.id);
    const req = (installId: string) => ({ code: ` ${code.toLowerCase().replace("-", " ")} `, installId, hostname: "pc-1", agentVersion: "0.1.0", platform: "linux-x64" });
    const r = store.activate(req("install-1"));
    if (!r.ok) throw new Error(`activation failed: ${r.reason}`);
    expect(store.activate(req("install-2"))).toMatchObject({ ok: false, reason: "used" });

    const files = [store.path, `${store.path}-wal`].filter(existsSync).map((p) => readFileSync(p));
    for (const needle of [r.secret, code, code.replace("-", "")]) {
      for (const f of files) expect(f.includes(Buffer.from(needle))).toBe(false);
    }
  });
});
