/**
 * API tokens on the real SQLite store and a settable clock: the secret and
 * what is kept of it, name, scope and expiry checks, refusal once revoked or
 * expired, the recorded last use, listing and revoking. Users are plain rows
 * (the users module is not ours).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { type ApiTokenScope, type SqliteHubStore, openHubStore } from "./index.ts";
import { type TestClock, tempDataDir, testClock } from "../../../test/support/hub-store-fixtures.ts";
import { codeOf } from "../../../test/support/hub-store-suites/index.ts";
import { twoUsersStore } from "../../../test/support/two-users-store.ts";

const DAY = 24 * 3600_000;
const setup = twoUsersStore;

const make = (store: SqliteHubStore, clock: TestClock, userId: string, o: { name?: string; scope?: ApiTokenScope; days?: number } = {}) =>
  store.createApiToken({ userId, name: o.name ?? "billing export", scope: o.scope ?? "meters", expiresAt: new Date(clock.ms + (o.days ?? 30) * DAY) });

describe("API tokens", () => {
  test("a secret is dcat_ and 32 random bytes; only its SHA-256 is kept, and no listing shows it", () => {
    const { store, db, clock, alice } = setup();
    const { token, secret } = make(store, clock, alice);
    expect(secret).toMatch(/^dcat_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret.slice(5), "base64url")).toHaveLength(32);
    expect(make(store, clock, alice).secret).not.toBe(secret);
    // Bun 1.4.5's toMatchObject writes asymmetric matchers into the object it checks: the id on its own.
    expect(token.id).toMatch(/^tok_/);
    expect(token).toMatchObject({ userId: alice, name: "billing export", scope: "meters", lastAddress: "" });
    const kept = db.query<{ token_hash: Uint8Array }, [string]>("SELECT token_hash FROM api_tokens WHERE id = ?").get(token.id)!;
    expect(Buffer.from(kept.token_hash)).toEqual(createHash("sha256").update(secret).digest());
    for (const t of [token, ...store.listApiTokens()]) expect(Object.keys(t).some((k) => /hash|secret/i.test(k))).toBe(false);
    for (const f of [store.path, `${store.path}-wal`].filter(existsSync)) expect(readFileSync(f).includes(Buffer.from(secret.slice(5)))).toBe(false);
  });

  test("takes the three scopes and refuses any other", () => {
    const { store, clock, alice } = setup();
    for (const scope of ["meters", "tasks", "full"] as const) expect(make(store, clock, alice, { scope }).token.scope).toBe(scope);
    expect(codeOf(() => make(store, clock, alice, { scope: "admin" as ApiTokenScope }))).toBe("invalid-argument");
    expect(codeOf(() => make(store, clock, alice, { scope: "" as ApiTokenScope }))).toBe("invalid-argument");
  });

  test("a name is 1 to 64 characters (trimmed), without control characters", () => {
    const { store, clock, alice } = setup();
    expect(make(store, clock, alice, { name: `  ${"n".repeat(64)}  ` }).token.name).toBe("n".repeat(64));
    for (const name of ["", "   ", "n".repeat(65), "line\nbreak"]) expect(codeOf(() => make(store, clock, alice, { name }))).toBe("invalid-argument");
  });

  test("an expiry is required, in the future, and at most 365 days ahead", () => {
    const { store, clock, alice } = setup();
    const at = (ms: number) => () => store.createApiToken({ userId: alice, name: "n", scope: "meters", expiresAt: new Date(ms) });
    expect(codeOf(() => store.createApiToken({ userId: alice, name: "n", scope: "meters" } as never))).toBe("invalid-argument");
    expect(codeOf(at(NaN))).toBe("invalid-argument");
    expect(codeOf(at(clock.ms))).toBe("invalid-argument");
    expect(codeOf(at(clock.ms - DAY))).toBe("invalid-argument");
    expect(codeOf(at(clock.ms + 365 * DAY + 1))).toBe("invalid-argument");
    expect(at(clock.ms + 365 * DAY)()).toMatchObject({ token: { expiresAt: new Date(clock.ms + 365 * DAY) } });
  });

  test("refuses an unknown or disabled user", () => {
    const { store, db, clock, alice } = setup();
    const { secret } = make(store, clock, alice);
    expect(codeOf(() => make(store, clock, "usr_nobody"))).toBe("not-found");
    db.run("UPDATE users SET disabled_at = 1 WHERE id = ?", [alice]);
    expect(codeOf(() => make(store, clock, alice))).toBe("failed-precondition");
    expect(store.authenticateApiToken(secret, "198.51.100.7")).toBeUndefined();
  });

  test("authenticates until it expires or is revoked", () => {
    const { store, clock, alice } = setup();
    const { token, secret } = make(store, clock, alice, { days: 2 });
    expect(store.authenticateApiToken(secret, "198.51.100.7")?.id).toBe(token.id);
    expect(store.authenticateApiToken(`dcat_${"A".repeat(43)}`, "198.51.100.7")).toBeUndefined();
    expect(store.authenticateApiToken(secret.slice(5), "198.51.100.7")).toBeUndefined();
    clock.set(token.expiresAt.getTime() - 1);
    expect(store.authenticateApiToken(secret, "198.51.100.7")).toBeDefined();
    clock.advance(1);
    expect(store.authenticateApiToken(secret, "198.51.100.7")).toBeUndefined();

    const other = make(store, clock, alice);
    expect(store.authenticateApiToken(other.secret, "198.51.100.7")).toBeDefined();
    store.revokeApiToken(other.token.id, { userId: alice });
    expect(store.authenticateApiToken(other.secret, "198.51.100.7")).toBeUndefined();
  });

  test("records the last use and its address, at most once a minute", () => {
    const { store, clock, alice } = setup();
    const { token, secret } = make(store, clock, alice);
    expect(token.lastUsedAt).toBeUndefined();
    const first = clock.ms;
    expect(store.authenticateApiToken(secret, "198.51.100.7")).toMatchObject({ lastUsedAt: new Date(first), lastAddress: "198.51.100.7" });
    clock.advance(59_999);
    expect(store.authenticateApiToken(secret, "198.51.100.8")).toMatchObject({ lastUsedAt: new Date(first), lastAddress: "198.51.100.7" });
    expect(store.listApiTokens()[0]).toMatchObject({ lastUsedAt: new Date(first), lastAddress: "198.51.100.7" });
    clock.advance(1);
    store.authenticateApiToken(secret, "198.51.100.8");
    expect(store.listApiTokens()[0]).toMatchObject({ lastUsedAt: new Date(clock.ms), lastAddress: "198.51.100.8" });
  });
});

describe("listing and revoking API tokens", () => {
  test("lists newest first, of one user if asked, the active ones if asked", () => {
    const { store, clock, alice, bob } = setup();
    const a1 = make(store, clock, alice, { days: 1 });
    clock.advance(1000);
    const b1 = make(store, clock, bob);
    clock.advance(1000);
    const a2 = make(store, clock, alice);
    clock.advance(1000);
    const a3 = make(store, clock, alice);
    store.revokeApiToken(a3.token.id, { admin: true });
    expect(store.listApiTokens().map((t) => t.id)).toEqual([a3, a2, b1, a1].map((t) => t.token.id));
    expect(store.listApiTokens({ userId: alice }).map((t) => t.id)).toEqual([a3, a2, a1].map((t) => t.token.id));
    expect(store.listApiTokens({ userId: alice, active: true }).map((t) => t.id)).toEqual([a2, a1].map((t) => t.token.id));
    clock.advance(DAY);
    expect(store.listApiTokens({ active: true }).map((t) => t.id)).toEqual([a2, b1].map((t) => t.token.id));
  });

  test("revokes only its own user's token unless an admin asks; the first revocation stands", () => {
    const { store, clock, alice, bob } = setup();
    const { token, secret } = make(store, clock, alice);
    expect(store.revokeApiToken(token.id, { userId: bob })).toBeUndefined();
    expect(store.revokeApiToken("tok_unknown", { admin: true })).toBeUndefined();
    expect(store.authenticateApiToken(secret, "")).toBeDefined();
    const revoked = store.revokeApiToken(token.id, { userId: alice });
    expect(revoked?.revokedAt).toEqual(new Date(clock.ms));
    clock.advance(1000);
    expect(store.revokeApiToken(token.id, { admin: true })?.revokedAt).toEqual(revoked?.revokedAt);
    const other = make(store, clock, bob);
    expect(store.revokeApiToken(other.token.id, { admin: true })?.revokedAt).toEqual(new Date(clock.ms));
    expect(store.authenticateApiToken(other.secret, "")).toBeUndefined();
  });
});
