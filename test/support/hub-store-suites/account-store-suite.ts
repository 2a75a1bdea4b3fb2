/**
 * The suite of AccountStore, what src/hub/accounts needs: users, their
 * password hash, the lockout and inactivity facts, and the second factor.
 * The rules (policy, hashing, limits) are tested in src/hub/accounts; here
 * only what the store keeps and how each change lands.
 */
import { describe, expect, test } from "bun:test";
import type { AccountStore, User } from "../../../src/hub/store/index.ts";
import { type OpenStore, codeOf, storesUnderTest } from "./store-under-test.ts";

const DAY = 86_400_000;
const lockOf = (u: User) => [u.failedSignIns, u.lockedAt, u.lockedUntil];

/** Runs every AccountStore test on the stores `open` makes; `name` names the implementation. */
export function describeAccountStore(name: string, open: OpenStore): void {
  describe(`${name} as AccountStore`, () => {
    const opened = storesUnderTest<AccountStore>(open);

    test("usernames are 1-64 of [A-Za-z0-9._@-], unique in any letter case, and found in any case", () => {
      const { store, clock } = opened();
      const u = store.createUser({ username: "Alice.B@example-1_x", displayName: "Alice B", email: "alice@example.com", createdBy: "admin" });
      expect(u).toMatchObject({ username: "Alice.B@example-1_x", displayName: "Alice B", source: "local", hasPassword: false, failedSignIns: 0, createdBy: "admin" });
      expect(u.id).toMatch(/^usr_[0-9a-z]{16}$/);
      expect(u.createdAt).toEqual(new Date(clock.ms));
      expect(store.getUserByUsername("alice.b@EXAMPLE-1_x")?.id).toBe(u.id);
      expect(store.getUser(u.id)).toEqual(u);
      expect(codeOf(() => store.createUser({ username: "ALICE.b@example-1_X" }))).toBe("already-exists");
      for (const bad of ["", "a".repeat(65), "al ice", "alice!", "usr_x", "élise"]) expect(codeOf(() => store.createUser({ username: bad }))).toBe("invalid-argument");
      expect(store.createUser({ username: "a".repeat(64) }).username).toHaveLength(64);
      expect(codeOf(() => store.createUser({ username: "bob", displayName: "Bob\nX" }))).toBe("invalid-argument");
      expect(store.listUsers().map((x) => x.username)).toEqual(["a".repeat(64), "Alice.B@example-1_x"]);
      expect(store.getUser("usr_nosuchuser00000")).toBeUndefined();
    });

    test("a password hash is kept apart from the User and stamped with its time", () => {
      const { store, clock } = opened();
      const u = store.createUser({ username: "bob", passwordHash: "$argon2id$one" });
      expect(u.hasPassword).toBe(true);
      expect(JSON.stringify(u)).not.toContain("argon2id");
      clock.advance(1000);
      expect(store.setPasswordHash(u.id, "$argon2id$two").passwordChangedAt).toEqual(new Date(clock.ms));
      expect(store.userSecrets(u.id)).toEqual({ passwordHash: "$argon2id$two", totpSecret: "", totpPendingSecret: "", totpLastStep: 0 });
      expect(codeOf(() => store.setPasswordHash("usr_nosuchuser00000", "x"))).toBe("not-found");
    });

    test("failures lock at the given count, for a time or until unlocked; a run-out lock restarts the count", () => {
      const { store, clock } = opened();
      const u = store.createUser({ username: "carol" });
      for (let i = 1; i <= 4; i++) expect(lockOf(store.recordSignInFailure(u.id, { attempts: 5, lockMs: 60_000 }))).toEqual([i, undefined, undefined]);
      const locked = store.recordSignInFailure(u.id, { attempts: 5, lockMs: 60_000 });
      expect(lockOf(locked)).toEqual([5, new Date(clock.ms), new Date(clock.ms + 60_000)]);
      clock.advance(30_000);
      expect(store.recordSignInFailure(u.id, { attempts: 5, lockMs: 60_000 }).lockedUntil).toEqual(locked.lockedUntil); // not extended
      clock.advance(30_000);
      expect(lockOf(store.recordSignInFailure(u.id, { attempts: 5, lockMs: 60_000 }))).toEqual([1, undefined, undefined]);
      expect(store.unlockUser(u.id).failedSignIns).toBe(0);
      for (let i = 0; i < 5; i++) store.recordSignInFailure(u.id, { attempts: 5, lockMs: 0 });
      clock.advance(365 * DAY);
      const forever = store.getUser(u.id)!;
      expect(forever.lockedAt).toBeDefined();
      expect(forever.lockedUntil).toBeUndefined();
      const signedIn = store.recordSignIn(u.id);
      expect(lockOf(signedIn)).toEqual([0, undefined, undefined]);
      expect(signedIn.lastSignInAt).toEqual(new Date(clock.ms));
    });

    test("disabling keeps its reason; enabling restarts the inactivity clock; the sweep disables idle users only", () => {
      const { store, clock } = opened();
      const idle = store.createUser({ username: "idle" });
      const used = store.createUser({ username: "used" });
      const off = store.createUser({ username: "off" });
      store.setUserDisabled(off.id, true, "left the company");
      clock.advance(50 * DAY);
      store.recordSignIn(used.id);
      clock.advance(41 * DAY);
      const swept = store.disableUsersInactiveSince(new Date(clock.ms - 90 * DAY));
      expect(swept.map((u) => u.username)).toEqual(["idle"]);
      expect(swept[0]).toMatchObject({ disabledAt: new Date(clock.ms), disabledReason: "inactive for 91 days" });
      expect(store.getUser(off.id)?.disabledReason).toBe("left the company");
      expect(store.getUser(used.id)?.disabledAt).toBeUndefined();
      const back = store.setUserDisabled(idle.id, false);
      expect([back.disabledAt, back.disabledReason, back.lastSignInAt]).toEqual([undefined, "", new Date(clock.ms)]);
      expect(store.disableUsersInactiveSince(new Date(clock.ms - 90 * DAY))).toEqual([]);
    });

    test("TOTP: pending, confirmed with its step and codes, replay guard, recovery codes once, cleared", () => {
      const { store } = opened();
      const u = store.createUser({ username: "dave" });
      expect(codeOf(() => store.enableTotp(u.id, 5, []))).toBe("failed-precondition");
      store.setTotpPending(u.id, "SECRETA");
      const on = store.enableTotp(u.id, 100, ["h1", "h2"]);
      expect(on.totpEnabledAt).toBeDefined();
      expect(store.userSecrets(u.id)).toMatchObject({ totpSecret: "SECRETA", totpPendingSecret: "", totpLastStep: 100 });
      expect(store.advanceTotpStep(u.id, 100)).toBe(false);
      expect(store.advanceTotpStep(u.id, 99)).toBe(false);
      expect(store.advanceTotpStep(u.id, 101)).toBe(true);
      expect(store.recoveryCodesLeft(u.id)).toBe(2);
      expect(store.useRecoveryCode(u.id, "h1")).toBe(true);
      expect(store.useRecoveryCode(u.id, "h1")).toBe(false);
      expect(store.useRecoveryCode(u.id, "nope")).toBe(false);
      expect(store.recoveryCodesLeft(u.id)).toBe(1);
      store.replaceRecoveryCodes(u.id, ["h3"]);
      expect(store.useRecoveryCode(u.id, "h2")).toBe(false);
      expect(store.useRecoveryCode(u.id, "h3")).toBe(true);
      const off = store.clearTotp(u.id);
      expect(off.totpEnabledAt).toBeUndefined();
      expect(store.userSecrets(u.id)).toMatchObject({ totpSecret: "", totpLastStep: 0 });
      expect(store.recoveryCodesLeft(u.id)).toBe(0);
    });
  });
}
