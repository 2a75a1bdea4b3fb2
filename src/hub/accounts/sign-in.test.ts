/**
 * The sign-in steps on a real store and a manual clock: the outcomes, the
 * uniform refusal, lockout (by password and by second factor, ended by time
 * or by an admin), and inactivity at sign-in and by the sweep.
 */
import { describe, expect, spyOn, test } from "bun:test";
import { accountsWorld, attempt } from "../../../test/support/accounts-fixture.ts";
import { CHALLENGE_MAX_TRIES, CHALLENGE_TTL_MS } from "./sign-in-challenges.ts";
import { DEFAULT_SIGN_IN_SETTINGS, type SignInSettings, checkSignInSettings } from "./sign-in-settings.ts";
import { SIGN_IN_REFUSED, type PasswordOutcome, signInError } from "./sign-in.ts";

const DAY = 86_400_000;
const MINUTE = 60_000;

/** The challenge of a second-factor outcome (fails the test otherwise). */
function challengeOf(r: PasswordOutcome): string {
  if (r.outcome !== "second-factor") throw new Error(`expected a second-factor outcome, got ${JSON.stringify(r)}`);
  return r.challenge;
}

describe("the password step", () => {
  test("a right password signs in, resets the failures and keeps the time; require2fa makes it enrolment only", async () => {
    const w = accountsWorld();
    const u = await w.userWithPassword("alice");
    expect(await w.signIn.checkPassword(attempt("alice", "wrong password here"))).toMatchObject({ outcome: "refused", reason: "bad-password" });
    const ok = await w.signIn.checkPassword(attempt("ALICE"));
    expect(ok.outcome).toBe("ok");
    if (ok.outcome !== "ok") return;
    expect(ok.user.id).toBe(u.id);
    expect(ok.user.failedSignIns).toBe(0);
    expect(ok.user.lastSignInAt).toEqual(new Date(w.clock.now()));
    w.set({ require2fa: true });
    expect(await w.signIn.checkPassword(attempt("alice"))).toMatchObject({ outcome: "enrol-2fa", user: { id: u.id } });
  });

  test("unknown user, wrong password, disabled and locked get one message; each spends one Argon2id verify", async () => {
    const w = accountsWorld();
    await w.userWithPassword("bob");
    const off = await w.userWithPassword("carol");
    w.accounts.disableUser(off.id);
    const locked = await w.userWithPassword("dave");
    for (let i = 0; i < 5; i++) await w.signIn.checkPassword(attempt("dave", "not the password"));
    const verify = spyOn(Bun.password, "verify");
    try {
      const answers = [
        await w.signIn.checkPassword(attempt("nobody")),
        await w.signIn.checkPassword(attempt("bob", "not the password")),
        await w.signIn.checkPassword(attempt("carol")),
        await w.signIn.checkPassword(attempt("dave", "not the password")),
      ];
      expect(verify).toHaveBeenCalledTimes(4);
      expect(answers.map((a) => a.outcome === "refused" && [a.reason, a.message, a.code])).toEqual([
        ["unknown-user", SIGN_IN_REFUSED, "unauthenticated"],
        ["bad-password", SIGN_IN_REFUSED, "unauthenticated"],
        ["disabled", SIGN_IN_REFUSED, "unauthenticated"],
        ["locked", SIGN_IN_REFUSED, "unauthenticated"],
      ]);
      expect(answers[0]).not.toHaveProperty("userId");
      expect(answers[3]).toMatchObject({ userId: locked.id });
      expect(answers[3]).not.toHaveProperty("lockedUntil");
    } finally {
      verify.mockRestore();
    }
    expect(SIGN_IN_REFUSED).toBe("sign-in refused: wrong username or password, or the account is locked or disabled; ask an admin if this keeps happening");
  });

  test("a user without a local password (SSO) is refused and not locked by tries", async () => {
    const w = accountsWorld();
    const sso = w.store.createUser({ username: "frank", source: "oidc", externalId: "sub-1" });
    for (let i = 0; i < 6; i++) expect(await w.signIn.checkPassword(attempt("frank"))).toMatchObject({ outcome: "refused", reason: "bad-password", message: SIGN_IN_REFUSED });
    expect(w.store.getUser(sso.id)?.failedSignIns).toBe(0);
  });
});

describe("lockout", () => {
  test("5 wrong passwords lock for 15 minutes; the right password is then told so; it ends by time", async () => {
    const w = accountsWorld();
    const u = await w.userWithPassword("gina");
    for (let i = 1; i <= 4; i++) await w.signIn.checkPassword(attempt("gina", "not the password"));
    expect(w.store.getUser(u.id)?.lockedAt).toBeUndefined();
    await w.signIn.checkPassword(attempt("gina", "not the password"));
    const until = new Date(w.clock.now() + 15 * MINUTE);
    expect(w.store.getUser(u.id)).toMatchObject({ failedSignIns: 5, lockedUntil: until });
    const told = await w.signIn.checkPassword(attempt("gina"));
    expect(told).toMatchObject({ outcome: "refused", reason: "locked", code: "failed-precondition", lockedUntil: until });
    if (told.outcome === "refused") {
      expect(told.message).toBe("sign-in refused: the account is locked after too many failed attempts, until 2026-03-01 08:15 UTC; wait, or ask an admin to unlock it");
      expect(signInError(told)).toMatchObject({ code: "failed-precondition", reason: "locked", message: told.message });
    }
    await w.clock.advance(15 * MINUTE - 1000);
    expect((await w.signIn.checkPassword(attempt("gina"))).outcome).toBe("refused");
    await w.clock.advance(1000);
    expect((await w.signIn.checkPassword(attempt("gina"))).outcome).toBe("ok");
    expect(w.store.getUser(u.id)).toMatchObject({ failedSignIns: 0 });
  });

  test("a lock that lands while the password is being verified holds", async () => {
    const w = accountsWorld();
    const u = await w.userWithPassword("gus");
    const pending = w.signIn.checkPassword(attempt("gus"));
    for (let i = 0; i < 5; i++) w.store.recordSignInFailure(u.id, { attempts: 5, lockMs: 15 * MINUTE });
    expect(await pending).toMatchObject({ outcome: "refused", reason: "locked" });
  });

  test("lockoutMinutes 0 locks until an admin unlocks; unlocking forgets the failures", async () => {
    const w = accountsWorld();
    w.set({ lockoutMinutes: 0 });
    const u = await w.userWithPassword("hank");
    for (let i = 0; i < 5; i++) await w.signIn.checkPassword(attempt("hank", "not the password"));
    await w.clock.advance(30 * DAY);
    const told = await w.signIn.checkPassword(attempt("hank"));
    expect(told).toMatchObject({ outcome: "refused", reason: "locked", code: "failed-precondition" });
    if (told.outcome === "refused") expect(told.message).toEndWith("until an admin unlocks it; ask an admin");
    expect(w.accounts.unlockUser(u.id)).toMatchObject({ failedSignIns: 0 });
    expect((await w.signIn.checkPassword(attempt("hank"))).outcome).toBe("ok");
  });

  test("a success resets the count: failures must be consecutive", async () => {
    const w = accountsWorld();
    const u = await w.userWithPassword("ivy");
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) await w.signIn.checkPassword(attempt("ivy", "not the password"));
      expect((await w.signIn.checkPassword(attempt("ivy"))).outcome).toBe("ok");
    }
    expect(w.store.getUser(u.id)?.lockedAt).toBeUndefined();
  });

  test("wrong second-factor codes count with wrong passwords; the right password does not reset the count", async () => {
    const w = accountsWorld();
    const { user, secret } = await w.userWithTotp("jack");
    await w.signIn.checkPassword(attempt("jack", "not the password"));
    await w.signIn.checkPassword(attempt("jack", "not the password"));
    const challenge = challengeOf(await w.signIn.checkPassword(attempt("jack")));
    expect(w.store.getUser(user.id)?.failedSignIns).toBe(2);
    for (let i = 3; i <= 4; i++) {
      expect(w.signIn.checkSecondFactor({ challenge, code: "000000", address: "192.0.2.10" })).toMatchObject({ outcome: "refused", reason: "bad-code" });
    }
    const last = w.signIn.checkSecondFactor({ challenge, code: "000000", address: "192.0.2.10" });
    expect(last).toMatchObject({ outcome: "refused", reason: "bad-code", code: "failed-precondition", lockedUntil: new Date(w.clock.now() + 15 * MINUTE) });
    if (last.outcome === "refused") expect(last.message).toStartWith("sign-in refused: wrong code, and the account is locked");
    await w.clock.advance(30_000);
    expect(w.signIn.checkSecondFactor({ challenge, code: w.code(secret), address: "192.0.2.10" })).toMatchObject({ reason: "expired-challenge" });
    expect((await w.signIn.checkPassword(attempt("jack"))).outcome).toBe("refused");
  });
});

describe("the second-factor step", () => {
  test("a TOTP code or a recovery code (once) completes the sign-in; a challenge is single use", async () => {
    const w = accountsWorld();
    const { user, secret, recoveryCodes } = await w.userWithTotp("kate");
    await w.clock.advance(30_000);
    const first = challengeOf(await w.signIn.checkPassword(attempt("kate")));
    const ok = w.signIn.checkSecondFactor({ challenge: first, code: w.code(secret), address: "192.0.2.10" });
    expect(ok).toMatchObject({ outcome: "ok", factor: "totp", user: { id: user.id, lastSignInAt: new Date(w.clock.now()) } });
    expect(w.signIn.checkSecondFactor({ challenge: first, code: w.code(secret, 1), address: "192.0.2.10" })).toMatchObject({ reason: "expired-challenge" });
    const second = challengeOf(await w.signIn.checkPassword(attempt("kate")));
    expect(w.signIn.checkSecondFactor({ challenge: second, code: w.code(secret), address: "192.0.2.10" })).toMatchObject({ reason: "bad-code" });
    expect(w.signIn.checkSecondFactor({ challenge: second, code: recoveryCodes[0], address: "192.0.2.10" })).toMatchObject({ outcome: "ok", factor: "recovery-code" });
    const third = challengeOf(await w.signIn.checkPassword(attempt("kate")));
    expect(w.signIn.checkSecondFactor({ challenge: third, code: recoveryCodes[0], address: "192.0.2.10" })).toMatchObject({ reason: "bad-code" });
    expect(w.signIn.checkSecondFactor({ challenge: "made-up", code: recoveryCodes[1], address: "192.0.2.10" })).toMatchObject({ reason: "expired-challenge" });
  });

  test("a challenge lasts 5 minutes and 5 tries", async () => {
    const w = accountsWorld();
    w.set({ lockoutAttempts: 100 });
    const { secret } = await w.userWithTotp("liam");
    await w.clock.advance(30_000);
    const slow = challengeOf(await w.signIn.checkPassword(attempt("liam")));
    await w.clock.advance(CHALLENGE_TTL_MS);
    expect(w.signIn.checkSecondFactor({ challenge: slow, code: w.code(secret), address: "192.0.2.10" })).toMatchObject({ reason: "expired-challenge" });
    const tried = challengeOf(await w.signIn.checkPassword(attempt("liam")));
    for (let i = 1; i <= CHALLENGE_MAX_TRIES; i++) {
      const r = w.signIn.checkSecondFactor({ challenge: tried, code: "000000", address: "192.0.2.10" });
      expect(r).toMatchObject({ reason: "bad-code" });
      if (i === CHALLENGE_MAX_TRIES && r.outcome === "refused") expect(r.message).toContain("sign in again");
    }
    expect(w.signIn.checkSecondFactor({ challenge: tried, code: w.code(secret), address: "192.0.2.10" })).toMatchObject({ reason: "expired-challenge" });
  });
});

describe("inactivity", () => {
  test("at sign-in: 89 days idle is fine, 91 disables the account; enabling lets it in again", async () => {
    const w = accountsWorld();
    const u = await w.userWithPassword("mia");
    const idle = await w.userWithPassword("noah");
    await w.clock.advance(89 * DAY);
    expect((await w.signIn.checkPassword(attempt("mia"))).outcome).toBe("ok");
    await w.clock.advance(2 * DAY);
    expect(await w.signIn.checkPassword(attempt("noah"))).toMatchObject({ outcome: "refused", reason: "inactive", message: SIGN_IN_REFUSED });
    expect(w.store.getUser(idle.id)).toMatchObject({ disabledReason: "inactive for 91 days", disabledAt: new Date(w.clock.now()) });
    expect(await w.signIn.checkPassword(attempt("noah"))).toMatchObject({ reason: "disabled" });
    expect((await w.signIn.checkPassword(attempt("mia"))).outcome).toBe("ok");
    w.accounts.enableUser(idle.id);
    expect((await w.signIn.checkPassword(attempt("noah"))).outcome).toBe("ok");
    expect(w.store.getUser(u.id)?.disabledAt).toBeUndefined();
  });

  test("the sweep disables idle enabled users by the setting in force", async () => {
    const w = accountsWorld();
    w.set({ inactivityDays: 180 });
    await w.userWithPassword("olga");
    await w.userWithPassword("pete");
    await w.clock.advance(100 * DAY);
    await w.signIn.checkPassword(attempt("pete"));
    expect(w.signIn.disableInactive()).toEqual([]);
    await w.clock.advance(81 * DAY);
    const swept = w.signIn.disableInactive();
    expect(swept.map((u) => [u.username, u.disabledReason])).toEqual([["olga", "inactive for 181 days"]]);
    w.set({ inactivityDays: 80 });
    expect(w.signIn.disableInactive(w.clock.now()).map((u) => u.username)).toEqual(["pete"]);
  });
});

describe("the settings", () => {
  test("defaults: no forced 2FA, 5 failures lock for 15 minutes, 90 idle days; bounds checked", () => {
    expect(DEFAULT_SIGN_IN_SETTINGS).toEqual({ require2fa: false, lockoutAttempts: 5, lockoutMinutes: 15, inactivityDays: 90 });
    const ok = (change: Partial<SignInSettings>) => () => checkSignInSettings({ ...DEFAULT_SIGN_IN_SETTINGS, ...change });
    for (const fine of [{ inactivityDays: 1 }, { inactivityDays: 180 }, { lockoutMinutes: 0 }, { lockoutAttempts: 1 }]) expect(ok(fine)).not.toThrow();
    expect(ok({ inactivityDays: 181 })).toThrow("sign-in setting inactivityDays must be a whole number from 1 to 180");
    for (const bad of [{ inactivityDays: 0 }, { lockoutAttempts: 0 }, { lockoutMinutes: -1 }, { lockoutAttempts: 2.5 }]) expect(ok(bad)).toThrow(/must be a whole number/);
  });
});
