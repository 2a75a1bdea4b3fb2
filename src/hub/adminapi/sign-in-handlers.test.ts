/**
 * SignIn and SignInSecondFactor through the real door, handlers and store
 * (in-process harness, fake clock): sessions that work, refusals that look
 * alike, the lockout and its audit records, TOTP challenges, recovery codes
 * used once, and the enrolment-only session when the hub requires 2FA.
 */
import { describe, expect, test } from "bun:test";
import { totpCodeAt } from "../accounts/index.ts";
import { adminHarness } from "../../../test/support/admin-harness.ts";
import { PASSWORD, enrolTotp, failure, person, signedIn } from "../../../test/support/sign-in-fixture.ts";

const open = (h: ReturnType<typeof adminHarness>) => h.withBearer(undefined);

describe("password sign-in", () => {
  test("the session token works for WhoAmI, and the audit log has the sign-in", async () => {
    const h = adminHarness();
    const alice = await person(h, "alice", "viewer");
    const { result } = await open(h).signIn({ username: "alice", password: PASSWORD, client: "dca-hub test" });
    expect(result!.sessionToken).toMatch(/^dcas_/);
    expect(result!.enrolRequired).toBe(false);
    expect(result!.user!.username).toBe("alice");
    const me = await h.withBearer(result!.sessionToken).whoAmI({});
    expect(me).toMatchObject({ via: "session", credentialId: result!.sessionId, enrolOnly: false });
    expect(me.user!.grants.map((g) => g.role)).toEqual(["viewer"]);
    const [rec] = h.store.listAudit({ action: "SignIn" });
    expect(rec).toMatchObject({ actor: "alice", actorUserId: alice.id, outcome: "ok", target: `session ${result!.sessionId}` });
    expect(rec!.detail).toEqual({ method: "password" });
  });

  test("a wrong password and an unknown user get the identical answer; the audit log says which", async () => {
    const h = adminHarness();
    const alice = await person(h, "alice");
    const wrong = await failure(open(h).signIn({ username: "alice", password: "not the password at all" }));
    const unknown = await failure(open(h).signIn({ username: "nobody", password: PASSWORD }));
    expect(wrong.code).toBe("unauthenticated");
    expect([unknown.code, unknown.message]).toEqual([wrong.code, wrong.message]);
    expect(wrong.message).toBe("sign-in refused: wrong username or password, or the account is locked or disabled; ask an admin if this keeps happening");
    const recs = h.store.listAudit({ action: "SignIn" });
    expect(recs.map((r) => [r.actor, r.actorUserId, r.outcome, r.detail.reason])).toEqual([
      ["nobody", "", "failed", "unknown-user"],
      ["alice", alice.id, "failed", "bad-password"],
    ]);
    expect(JSON.stringify(recs)).not.toContain("not the password");
  });

  test("5 failures lock the account; the right password then learns it is locked; the lock ends on the clock", async () => {
    const h = adminHarness();
    const alice = await person(h, "alice");
    for (let i = 0; i < 5; i++) expect((await failure(open(h).signIn({ username: "alice", password: `wrong ${i}` }))).code).toBe("unauthenticated");
    const locked = await failure(open(h).signIn({ username: "alice", password: PASSWORD }));
    expect(locked.code).toBe("failed-precondition");
    expect(locked.message).toMatch(/^sign-in refused: the account is locked after too many failed attempts until \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    // A wrong password while locked still gets the uniform answer.
    expect((await failure(open(h).signIn({ username: "alice", password: "wrong again" }))).code).toBe("unauthenticated");
    const failed = h.store.listAudit({ action: "SignIn" }).filter((r) => r.actorUserId === alice.id);
    expect(failed.map((r) => r.detail.reason)).toEqual(["locked", "locked", "bad-password", "bad-password", "bad-password", "bad-password", "bad-password"]);
    expect(failed.every((r) => r.outcome === "failed" && r.actor === "alice")).toBe(true);
    h.clock.advance(15 * 60_000 + 1);
    await signedIn(h, "alice");
  });

  test("a disabled account gets the uniform answer even with the right password", async () => {
    const h = adminHarness();
    const alice = await person(h, "alice");
    h.store.setUserDisabled(alice.id, true, "left");
    const e = await failure(open(h).signIn({ username: "alice", password: PASSWORD }));
    expect(e.code).toBe("unauthenticated");
    expect(h.store.listAudit({ action: "SignIn" })[0]!.detail.reason).toBe("disabled");
  });
});

describe("second factor", () => {
  test("with TOTP on, the password earns a challenge; a current code a session; a wrong code is refused", async () => {
    const h = adminHarness();
    await person(h, "alice");
    const { secret } = await enrolTotp(h, (await signedIn(h, "alice")).api);
    const first = await open(h).signIn({ username: "alice", password: PASSWORD });
    // (Bun's toMatchObject writes asymmetric matchers into the object it checks: plain checks here.)
    expect(first.result!.sessionToken).toBe("");
    expect(first.result!.challenge).toMatch(/^[\w-]{43}$/);
    const bad = await failure(open(h).signInSecondFactor({ challenge: first.result!.challenge, code: "000000" }));
    expect(bad.code).toBe("unauthenticated");
    const { result } = await open(h).signInSecondFactor({ challenge: first.result!.challenge, code: totpCodeAt(secret, h.clock.now()), client: "t" });
    const api = h.withBearer(result!.sessionToken);
    expect((await api.listMySessions({})).sessions.find((s) => s.current)!.method).toBe("password+totp");
    // The challenge is spent.
    expect((await failure(open(h).signInSecondFactor({ challenge: first.result!.challenge, code: totpCodeAt(secret, h.clock.now()) }))).code).toBe("unauthenticated");
    const recs = h.store.listAudit({ action: "SignInSecondFactor" });
    expect(recs.map((r) => [r.actor, r.outcome, r.detail.reason ?? r.detail.factor])).toEqual([
      ["(unknown sign-in challenge)", "failed", "expired-challenge"],
      ["alice", "ok", "totp"],
      ["alice", "failed", "bad-code"],
    ]);
  });

  test("a recovery code signs in once", async () => {
    const h = adminHarness();
    await person(h, "alice");
    const { recoveryCodes } = await enrolTotp(h, (await signedIn(h, "alice")).api);
    expect(recoveryCodes).toHaveLength(10);
    const c1 = (await open(h).signIn({ username: "alice", password: PASSWORD })).result!.challenge;
    const { result } = await open(h).signInSecondFactor({ challenge: c1, code: recoveryCodes[0]! });
    expect(result!.user!.recoveryCodesLeft).toBe(9);
    const c2 = (await open(h).signIn({ username: "alice", password: PASSWORD })).result!.challenge;
    expect((await failure(open(h).signInSecondFactor({ challenge: c2, code: recoveryCodes[0]! }))).code).toBe("unauthenticated");
    expect(h.store.listAudit({ action: "SignInSecondFactor" }).find((r) => r.outcome === "ok")!.detail).toMatchObject({ factor: "recovery-code", recoveryCodesLeft: 9 });
  });

  test("when the hub requires 2FA, a user without it gets a session that may only enrol, then a full one", async () => {
    const h = adminHarness();
    await person(h, "alice", "admin");
    h.store.setSecuritySettings({ require2fa: true });
    const { result } = await open(h).signIn({ username: "alice", password: PASSWORD });
    expect(result!.enrolRequired).toBe(true);
    const limited = h.withBearer(result!.sessionToken);
    expect((await limited.whoAmI({})).enrolOnly).toBe(true);
    const refused = await failure(limited.listSites({}));
    expect([refused.code, refused.message]).toEqual(["permission-denied", expect.stringContaining("enrol TOTP first")]);
    expect((await failure(limited.createApiToken({ confirm: { password: PASSWORD }, name: "x", scope: "meters", ttlSeconds: 3600n }))).code).toBe("permission-denied");
    const begun = await limited.beginTotpEnrolment({ confirm: { password: PASSWORD } });
    const done = await limited.confirmTotpEnrolment({ code: totpCodeAt(begun.secret, h.clock.now()) });
    expect(done.sessionUpgraded).toBe(true);
    expect((await failure(limited.whoAmI({}))).code).toBe("unauthenticated");
    const full = h.withBearer(done.sessionToken);
    expect((await full.whoAmI({})).enrolOnly).toBe(false);
    expect((await full.listSites({})).sites).toEqual([]);
    // Required: it cannot be turned off by its user.
    expect((await failure(full.disableTotp({ confirm: { password: PASSWORD } }))).code).toBe("failed-precondition");
    // From now on the password earns a challenge.
    const again = await open(h).signIn({ username: "alice", password: PASSWORD });
    expect(again.result!.challenge).not.toBe("");
  });

  test("an enrolment-only session ends after 15 minutes", async () => {
    const h = adminHarness();
    await person(h, "alice");
    h.store.setSecuritySettings({ require2fa: true });
    const { result } = await open(h).signIn({ username: "alice", password: PASSWORD });
    h.clock.advance(15 * 60_000);
    expect((await failure(h.withBearer(result!.sessionToken).whoAmI({}))).code).toBe("unauthenticated");
  });
});
