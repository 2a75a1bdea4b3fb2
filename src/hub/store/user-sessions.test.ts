/**
 * Sign-in sessions on the real SQLite store and a settable clock: the token
 * and what is kept of it, absolute and idle expiry, the once-a-minute touch,
 * revocation and listing. Users are plain rows (the users module is not ours).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { type SqliteHubStore, openHubStore } from "./index.ts";
import { type TestClock, tempDataDir, testClock } from "../../../test/support/hub-store-fixtures.ts";
import { codeOf } from "../../../test/support/hub-store-suites/index.ts";
import { twoUsersStore } from "../../../test/support/two-users-store.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const setup = twoUsersStore;

const signIn = (store: SqliteHubStore, userId: string, address = "192.0.2.1") =>
  store.createSession({ userId, method: "password+totp", address, client: "dca-hub test" });
const row = (db: Database, id: string) =>
  db.query<{ last_used_at: number; address: string; revoked_at: number | null; revoked_reason: string }, [string]>("SELECT * FROM user_sessions WHERE id = ?").get(id)!;

describe("sign-in sessions", () => {
  test("a token is dcas_ and 32 random bytes; only its SHA-256 is kept", () => {
    const { store, db, alice } = setup();
    const a = signIn(store, alice);
    const b = signIn(store, alice);
    expect(a.token).toMatch(/^dcas_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.token.slice(5), "base64url")).toHaveLength(32);
    expect(b.token).not.toBe(a.token);
    const kept = db.query<{ token_hash: Uint8Array }, [string]>("SELECT token_hash FROM user_sessions WHERE id = ?").get(a.session.id)!;
    expect(Buffer.from(kept.token_hash)).toEqual(createHash("sha256").update(a.token).digest());
    expect(JSON.stringify(a.session)).not.toContain(a.token.slice(5));
    for (const f of [store.path, `${store.path}-wal`].filter(existsSync)) expect(readFileSync(f).includes(Buffer.from(a.token.slice(5)))).toBe(false);
  });

  test("authenticates its own token only, and says whose it is", () => {
    const { store, alice } = setup();
    const { session, token } = signIn(store, alice);
    expect(store.authenticateSession(token, "192.0.2.1")).toMatchObject({ userId: alice, session: { id: session.id, method: "password+totp" } });
    expect(store.authenticateSession(`dcas_${"A".repeat(43)}`, "192.0.2.1")).toBeUndefined();
    expect(store.authenticateSession(token.slice(5), "192.0.2.1")).toBeUndefined();
    expect(store.authenticateSession(`dcat_${token.slice(5)}`, "192.0.2.1")).toBeUndefined();
  });

  test("refuses an unknown user, a disabled one, and an unknown method", () => {
    const { store, db, alice } = setup();
    const { token } = signIn(store, alice);
    expect(codeOf(() => signIn(store, "usr_nobody"))).toBe("not-found");
    db.run("UPDATE users SET disabled_at = 1 WHERE id = ?", [alice]);
    expect(store.authenticateSession(token, "192.0.2.1")).toBeUndefined();
    expect(codeOf(() => signIn(store, alice))).toBe("failed-precondition");
    expect(codeOf(() => store.createSession({ userId: "usr_bob", method: "magic" as "ldap", address: "", client: "" }))).toBe("invalid-argument");
  });

  test("an enrolment-only session says so", () => {
    const { store, alice } = setup();
    const { session, token } = store.createSession({ userId: alice, method: "password", limitedTo: "enrol-2fa", address: "", client: "", lifetimeMs: 15 * MIN });
    expect(session).toMatchObject({ method: "enrol-2fa", limitedTo: "enrol-2fa" });
    expect(session.expiresAt.getTime() - session.createdAt.getTime()).toBe(15 * MIN);
    expect(store.authenticateSession(token, "")?.session.limitedTo).toBe("enrol-2fa");
    expect(signIn(store, alice).session.limitedTo).toBeUndefined();
  });

  test("ends at its absolute lifetime however busy it is, and a shorter setting applies at once", () => {
    const { store, clock, alice } = setup();
    const { session, token } = signIn(store, alice);
    expect(session.expiresAt.getTime()).toBe(clock.ms + 12 * HOUR);
    for (let i = 0; i < 23; i++) {
      clock.advance(30 * MIN);
      expect(store.authenticateSession(token, "192.0.2.1")).toBeDefined();
    }
    clock.advance(30 * MIN - 1);
    expect(store.authenticateSession(token, "192.0.2.1")).toBeDefined();
    clock.advance(1);
    expect(store.authenticateSession(token, "192.0.2.1")).toBeUndefined();

    const second = signIn(store, alice);
    for (let i = 0; i < 4; i++) {
      clock.advance(30 * MIN);
      expect(store.authenticateSession(second.token, "192.0.2.1")).toBeDefined();
    }
    store.setSecuritySettings({ sessionHours: 2 });
    expect(store.authenticateSession(second.token, "192.0.2.1")).toBeUndefined();
    store.setSecuritySettings({ sessionHours: 12 });
    expect(store.authenticateSession(second.token, "192.0.2.1")).toBeUndefined();
  });

  test("ends after the idle limit without use, and stays ended when the limit is raised", () => {
    const { store, db, clock, alice } = setup();
    const { session, token } = signIn(store, alice);
    clock.advance(60 * MIN - 1);
    expect(store.authenticateSession(token, "192.0.2.1")).toBeDefined();
    clock.advance(60 * MIN);
    expect(store.authenticateSession(token, "192.0.2.1")).toBeUndefined();
    expect(row(db, session.id)).toMatchObject({ revoked_reason: "idle", revoked_at: clock.ms });
    store.setSecuritySettings({ sessionIdleMinutes: 1440 });
    expect(store.authenticateSession(token, "192.0.2.1")).toBeUndefined();

    store.setSecuritySettings({ sessionIdleMinutes: 5 });
    const other = signIn(store, alice);
    clock.advance(5 * MIN);
    expect(store.authenticateSession(other.token, "192.0.2.1")).toBeUndefined();
  });

  test("records a use at most once a minute, with the address it came from", () => {
    const { store, db, clock, alice } = setup();
    const { session, token } = signIn(store, alice, "192.0.2.1");
    const created = clock.ms;
    clock.advance(MIN - 1);
    expect(store.authenticateSession(token, "192.0.2.9")?.session.lastUsedAt.getTime()).toBe(created);
    expect(row(db, session.id)).toMatchObject({ last_used_at: created, address: "192.0.2.1" });
    clock.advance(1);
    expect(store.authenticateSession(token, "192.0.2.9")?.session).toMatchObject({ lastUsedAt: new Date(clock.ms), address: "192.0.2.9" });
    expect(row(db, session.id)).toMatchObject({ last_used_at: clock.ms, address: "192.0.2.9" });
  });
});

describe("listing and revoking sessions", () => {
  test("lists a user's live sessions, most recently used first, without revoked, expired or idle ones", () => {
    const { store, clock, alice, bob } = setup();
    const old = signIn(store, alice);
    clock.advance(20 * MIN);
    const idle = signIn(store, alice);
    const revoked = signIn(store, alice);
    const used = signIn(store, alice);
    signIn(store, bob);
    store.revokeSession(revoked.session.id, "signed out", { userId: alice });
    clock.advance(20 * MIN);
    store.authenticateSession(old.token, "");
    clock.advance(20 * MIN);
    store.authenticateSession(used.token, "");
    const ids = () => store.listSessions(alice).map((s) => s.id);
    expect(ids()).toEqual([used.session.id, old.session.id, idle.session.id]);
    clock.advance(25 * MIN);
    expect(ids()).toEqual([used.session.id, old.session.id]);
    store.setSecuritySettings({ sessionIdleMinutes: 1440 });
    expect(ids()).toEqual([used.session.id, old.session.id]);
    clock.set(old.session.expiresAt.getTime());
    expect(ids()).toEqual([used.session.id]);
    expect(store.listSessions(bob)).toHaveLength(1);
  });

  test("revokes one session only for its own user or an admin; the first reason stands", () => {
    const { store, alice, bob } = setup();
    const a = signIn(store, alice);
    expect(store.revokeSession(a.session.id, "not yours", { userId: bob })).toBeUndefined();
    expect(store.revokeSession("ses_unknown", "x", { admin: true })).toBeUndefined();
    expect(store.authenticateSession(a.token, "")).toBeDefined();
    expect(store.revokeSession(a.session.id, "signed out", { userId: alice })).toMatchObject({ revokedReason: "signed out", revokedAt: expect.any(Date) });
    expect(store.authenticateSession(a.token, "")).toBeUndefined();
    expect(store.revokeSession(a.session.id, "again", { admin: true })?.revokedReason).toBe("signed out");
    const b = signIn(store, alice);
    expect(store.revokeSession(b.session.id, "by an admin", { admin: true })?.revokedReason).toBe("by an admin");
    expect(store.authenticateSession(b.token, "")).toBeUndefined();
  });

  test("revokes all of a user's sessions, or all but the current one", () => {
    const { store, clock, alice, bob } = setup();
    const [a1, a2, a3] = [signIn(store, alice), signIn(store, alice), signIn(store, alice)];
    const b1 = signIn(store, bob);
    expect(store.revokeAllSessions(alice, "password changed", a2.session.id)).toBe(2);
    expect([a1, a2, a3, b1].map((s) => store.authenticateSession(s.token, "") !== undefined)).toEqual([false, true, false, true]);
    clock.advance(2 * HOUR);
    expect(store.revokeAllSessions(alice, "locked")).toBe(0);
    expect(store.listSessions(alice)).toEqual([]);
    store.setSecuritySettings({ sessionIdleMinutes: 1440 });
    expect(store.authenticateSession(a2.token, "")).toBeUndefined();
    expect(store.authenticateSession(b1.token, "")).toBeDefined();
  });
});
