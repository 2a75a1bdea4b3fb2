/**
 * The hub's settings on the real SQLite store: the security settings'
 * defaults, ranges and refusals (on write and on read of a hand-edited
 * value), keeping across reopening, and the generic JSON settings.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { DEFAULT_SECURITY_SETTINGS, type SecuritySettings, type SqliteHubStore, StoreError, openHubStore } from "./index.ts";
import { tempDataDir, testClock } from "../../../test/support/hub-store-fixtures.ts";

const open: SqliteHubStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
const openStore = (dir = tempDataDir()) => {
  const s = openHubStore(dir, { clock: testClock() });
  open.push(s);
  return s;
};

/** The StoreError `f` throws (fails the test if it throws none, or something else). */
function refusal(f: () => unknown): StoreError {
  try {
    f();
  } catch (e) {
    if (e instanceof StoreError) return e;
    throw e;
  }
  throw new Error("no error thrown");
}

/** Writes a raw value into hub_settings behind the store's back (a hand edit). */
function edit(store: SqliteHubStore, key: string, raw: string): void {
  const db = new Database(store.path);
  db.run("INSERT OR REPLACE INTO hub_settings (key, value) VALUES (?, ?)", [key, raw]);
  db.close();
}

const RANGES: [keyof SecuritySettings, number, number][] = [
  ["lockoutAttempts", 3, 20],
  ["lockoutMinutes", 0, 1440],
  ["inactivityDays", 1, 180],
  ["sessionHours", 1, 168],
  ["sessionIdleMinutes", 5, 1440],
  ["auditRetentionDays", 30, 3650],
];

describe("security settings", () => {
  test("a new hub has the defaults", () => {
    expect(openStore().getSecuritySettings()).toEqual({
      require2fa: false,
      lockoutAttempts: 5,
      lockoutMinutes: 15,
      inactivityDays: 90,
      sessionHours: 12,
      sessionIdleMinutes: 60,
      auditRetentionDays: 365,
    });
    expect(DEFAULT_SECURITY_SETTINGS).toEqual(openStore().getSecuritySettings());
  });

  test("changes only the fields given, returns them all, and keeps them across reopening", () => {
    const dir = tempDataDir();
    const s1 = openStore(dir);
    const changed = s1.setSecuritySettings({ require2fa: true, lockoutMinutes: 0 });
    expect(changed).toEqual({ ...DEFAULT_SECURITY_SETTINGS, require2fa: true, lockoutMinutes: 0 });
    expect(s1.setSecuritySettings({ sessionHours: 8 })).toEqual({ ...changed, sessionHours: 8 });
    s1.close();
    expect(openStore(dir).getSecuritySettings()).toEqual({ ...changed, sessionHours: 8 });
  });

  test.each(RANGES)("%s takes whole numbers from %d to %d and refuses others, naming itself and the range", (name, min, max) => {
    const store = openStore();
    expect(store.setSecuritySettings({ [name]: min })[name]).toBe(min);
    expect(store.setSecuritySettings({ [name]: max })[name]).toBe(max);
    for (const bad of [min - 1, max + 1, min + 0.5, Number.NaN, `${max}` as unknown as number]) {
      const e = refusal(() => store.setSecuritySettings({ [name]: bad }));
      expect(e.code).toBe("invalid-argument");
      expect(e.message).toBe(`setting ${name}: must be a whole number from ${min} to ${max}; give a value in that range`);
    }
    expect(store.getSecuritySettings()[name]).toBe(max);
  });

  test("require2fa takes only a boolean; an unknown field is refused; a refusal changes nothing", () => {
    const store = openStore();
    expect(refusal(() => store.setSecuritySettings({ require2fa: "yes" as unknown as boolean })).message).toContain("require2fa: must be true or false");
    expect(refusal(() => store.setSecuritySettings({ lockoutAttempt: 4 } as Partial<SecuritySettings>)).message).toContain("lockoutAttempt: unknown");
    expect(refusal(() => store.setSecuritySettings({ require2fa: true, lockoutAttempts: 2 })).code).toBe("invalid-argument");
    expect(store.getSecuritySettings()).toEqual(DEFAULT_SECURITY_SETTINGS);
  });

  test("a stored value out of range or no JSON is refused on read, not replaced by a default", () => {
    const store = openStore();
    edit(store, "security.lockout_attempts", "99");
    const e = refusal(() => store.getSecuritySettings());
    expect(e.code).toBe("invalid-config");
    expect(e.message).toContain("lockoutAttempts (security.lockout_attempts)");
    edit(store, "security.lockout_attempts", "7");
    expect(store.getSecuritySettings().lockoutAttempts).toBe(7);
    edit(store, "security.require_2fa", "tru");
    expect(refusal(() => store.getSecuritySettings()).message).toContain("require2fa");
  });
});

describe("generic settings", () => {
  test("keep a JSON value under a key, and forget it when set to undefined", () => {
    const store = openStore();
    expect(store.getSetting("sso.oidc")).toBeUndefined();
    const value = { issuer: "https://id.example", groups: ["a", "b"], n: 3, on: true };
    store.setSetting("sso.oidc", value);
    expect(store.getSetting("sso.oidc")).toEqual(value);
    store.setSetting("sso.oidc", { issuer: "https://other.example" });
    expect(store.getSetting("sso.oidc")).toEqual({ issuer: "https://other.example" });
    store.setSetting("sso.oidc", undefined);
    expect(store.getSetting("sso.oidc")).toBeUndefined();
    expect(refusal(() => store.setSetting("", 1)).code).toBe("invalid-argument");
    edit(store, "audit.anchor", "{broken");
    expect(refusal(() => store.getSetting("audit.anchor")).code).toBe("invalid-config");
  });

  test("a security setting's key is checked the same way and seen by getSecuritySettings", () => {
    const store = openStore();
    expect(refusal(() => store.setSetting("audit.retention_days", 10)).message).toContain("auditRetentionDays: must be a whole number from 30 to 3650");
    store.setSetting("audit.retention_days", 30);
    expect(store.getSecuritySettings().auditRetentionDays).toBe(30);
    store.setSecuritySettings({ auditRetentionDays: 400 });
    expect(store.getSetting("audit.retention_days")).toBe(400);
  });
});
