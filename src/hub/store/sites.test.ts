import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { SnmpCredentialSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { SnmpVersion } from "../../gen/dca/v1/reading_pb.ts";
import { type HubStore, StoreError, openHubStore } from "./index.ts";
import { MIGRATIONS } from "./schema.ts";
import { tempDataDir, testClock } from "../../../test/support/hub-store-fixtures.ts";

const open: HubStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
const openStore = (dir = tempDataDir(), now = testClock().now) => {
  const s = openHubStore(dir, { now });
  open.push(s);
  return s;
};
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof StoreError ? e.code : `not a StoreError: ${e}`;
  }
  return "no error";
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
    expect(codeOf(() => openHubStore(newer))).toBe("unsupported");

    const junk = tempDataDir();
    mkdirSync(junk, { recursive: true });
    writeFileSync(join(junk, "hub.db"), "this is not a database, it is a text file with enough bytes to be read as a header");
    expect(codeOf(() => openHubStore(junk))).toBe("corrupt");
  });
});

describe("sites", () => {
  test("are created, found by id or name, and listed by name", () => {
    const clock = testClock();
    const store = openStore(undefined, clock.now);
    const b = store.createSite("  Beta Office ");
    const a = store.createSite("Alpha");
    expect(b).toEqual({ id: expect.stringMatching(/^site_[0-9a-z]{16}$/), name: "Beta Office", createdAt: clock.now() });
    expect(store.getSite(b.id)).toEqual(b);
    expect(store.getSite("beta office")).toEqual(b);
    expect(store.getSite("Gamma")).toBeUndefined();
    expect(store.listSites().map((s) => s.name)).toEqual(["Alpha", "Beta Office"]);
    expect(a.id).not.toBe(b.id);
  });

  test("names are unique (in any case), 1 to 100 characters, and do not look like ids", () => {
    const store = openStore();
    store.createSite("Acme");
    expect(() => store.createSite("ACME")).toThrow(/already exists/);
    expect(codeOf(() => store.createSite("acme"))).toBe("already-exists");
    expect(codeOf(() => store.createSite(" "))).toBe("invalid-argument");
    expect(codeOf(() => store.createSite("x".repeat(101)))).toBe("invalid-argument");
    expect(store.createSite("x".repeat(100)).name).toHaveLength(100);
    expect(codeOf(() => store.createSite("site_abc"))).toBe("invalid-argument");
    expect(codeOf(() => store.createSite("bad\nname"))).toBe("invalid-argument");
  });
});

describe("site config", () => {
  test("starts at version 1 with defaults and goes up by one on each change", () => {
    const store = openStore();
    const site = store.createSite("Acme");
    const c0 = store.getSiteConfig(site.id);
    expect(c0.version).toBe(1n);
    expect(c0.targets).toEqual([]);
    expect(c0.credentials).toEqual([]);
    expect(c0.pollIntervalSeconds).toBe(0);

    const c1 = store.updateSiteConfig(site.id, (c) => {
      c.targets = ["10.0.0.0/24"];
      c.credentials.push(create(SnmpCredentialSchema, { name: "office", version: SnmpVersion.V2C, community: "pub-secret" }));
      c.version = 99n; // not the mutation's to set
    });
    expect(c1.version).toBe(2n);
    const again = store.getSiteConfig(site.id);
    expect(again.version).toBe(2n);
    expect(again.credentials[0]).toMatchObject({ name: "office", community: "pub-secret" });
    expect(store.updateSiteConfig(site.id, (c) => void (c.pollIntervalSeconds = 60)).version).toBe(3n);
  });

  test("a change that throws changes nothing", () => {
    const store = openStore();
    const site = store.createSite("Acme");
    expect(() =>
      store.updateSiteConfig(site.id, (c) => {
        c.targets.push("10.0.0.1");
        throw new StoreError("already-exists", "nope");
      }),
    ).toThrow("nope");
    expect(store.getSiteConfig(site.id)).toMatchObject({ version: 1n, targets: [] });
  });

  test("an unknown site is not-found", () => {
    const store = openStore();
    expect(codeOf(() => store.getSiteConfig("site_nope"))).toBe("not-found");
    expect(codeOf(() => store.updateSiteConfig("site_nope", () => {}))).toBe("not-found");
  });
});
