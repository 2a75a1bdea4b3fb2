/**
 * One's own account through the in-process harness: signing out, sessions,
 * the password change (confirmed; other sessions end), TOTP on and off and
 * new recovery codes (confirmed; other sessions end), and what an API token
 * may not do to its user's account.
 */
import { describe, expect, test } from "bun:test";
import { totpCodeAt } from "../accounts/index.ts";
import { adminHarness } from "../../../test/support/admin-harness.ts";
import { PASSWORD, enrolTotp, failure, person, signedIn } from "../../../test/support/sign-in-fixture.ts";

const NEW_PASSWORD = "harbour lantern fig 77";

describe("sessions", () => {
  test("ListMySessions marks the current one; RevokeMySessions ends one or all others; SignOut ends the current", async () => {
    const h = adminHarness();
    await person(h, "alice");
    const a = await signedIn(h, "alice");
    const b = await signedIn(h, "alice");
    const c = await signedIn(h, "alice");
    const listed = (await a.api.listMySessions({})).sessions;
    expect(listed).toHaveLength(3);
    expect(listed.filter((s) => s.current)).toHaveLength(1);
    const bId = (await b.api.whoAmI({})).credentialId;
    expect((await a.api.revokeMySessions({ sessionId: bId })).revoked).toBe(1);
    expect((await failure(b.api.whoAmI({}))).code).toBe("unauthenticated");
    expect((await failure(a.api.revokeMySessions({ sessionId: (await h.api.whoAmI({})).credentialId }))).code).toBe("not-found");
    expect((await a.api.revokeMySessions({ allOthers: true })).revoked).toBe(1);
    expect((await failure(c.api.whoAmI({}))).code).toBe("unauthenticated");
    await a.api.signOut({});
    expect((await failure(a.api.whoAmI({}))).code).toBe("unauthenticated");
    expect(h.store.listAudit({ action: "SignOut" })[0]).toMatchObject({ actor: "alice", outcome: "ok" });
  });
});

describe("password change", () => {
  test("confirmed by the current password, it ends every other session; the new password signs in, the old does not", async () => {
    const h = adminHarness();
    await person(h, "alice");
    const a = await signedIn(h, "alice");
    const b = await signedIn(h, "alice");
    const wrong = await failure(a.api.changePassword({ confirm: { password: "not it at all" }, newPassword: NEW_PASSWORD }));
    expect(wrong.code).toBe("unauthenticated");
    expect((await failure(a.api.changePassword({ newPassword: NEW_PASSWORD }))).code).toBe("unauthenticated");
    expect((await failure(a.api.changePassword({ confirm: { password: PASSWORD }, newPassword: "short" }))).code).toBe("invalid-argument");
    const r = await a.api.changePassword({ confirm: { password: PASSWORD }, newPassword: NEW_PASSWORD });
    expect(r.sessionsRevoked).toBe(1);
    expect((await failure(b.api.whoAmI({}))).code).toBe("unauthenticated");
    expect((await a.api.whoAmI({})).user!.username).toBe("alice");
    expect((await failure(h.withBearer(undefined).signIn({ username: "alice", password: PASSWORD }))).code).toBe("unauthenticated");
    await signedIn(h, "alice", NEW_PASSWORD);
    const rec = h.store.listAudit({ action: "ChangePassword" });
    expect(rec.map((x) => [x.outcome, x.detail.sessionsRevoked ?? x.detail.reason])).toEqual([
      ["ok", 1],
      ["failed", "password-policy"],
      ["failed", "no-proof"],
      ["failed", "bad-proof"],
    ]);
    expect(JSON.stringify(rec)).not.toContain(NEW_PASSWORD);
  });

  test("a TOTP code confirms it too", async () => {
    const h = adminHarness();
    await person(h, "alice");
    const { api } = await signedIn(h, "alice");
    const { secret } = await enrolTotp(h, api);
    await api.changePassword({ confirm: { totpCode: totpCodeAt(secret, h.clock.now()) }, newPassword: NEW_PASSWORD });
  });
});

describe("two-factor", () => {
  test("turning TOTP on and off is confirmed and ends the other sessions; new recovery codes void the old", async () => {
    const h = adminHarness();
    await person(h, "alice");
    const a = await signedIn(h, "alice");
    const b = await signedIn(h, "alice");
    expect((await failure(a.api.beginTotpEnrolment({}))).code).toBe("unauthenticated");
    const begun = await a.api.beginTotpEnrolment({ confirm: { password: PASSWORD } });
    expect(begun.uri).toMatch(/^otpauth:\/\/totp\/dca-hub:alice\?/);
    expect(begun.qrText.length).toBeGreaterThan(100);
    expect(begun.qrSvg).toContain("<svg");
    expect((await failure(a.api.confirmTotpEnrolment({ code: "123456" }))).code).toBe("invalid-argument");
    const done = await a.api.confirmTotpEnrolment({ code: totpCodeAt(begun.secret, h.clock.now()) });
    expect(done).toMatchObject({ sessionUpgraded: false, sessionToken: "", sessionsRevoked: 1 });
    expect((await failure(b.api.whoAmI({}))).code).toBe("unauthenticated");
    h.clock.advance(30_000);
    const fresh = await a.api.newRecoveryCodes({ confirm: { password: PASSWORD } });
    expect(fresh.recoveryCodes).toHaveLength(10);
    expect(fresh.recoveryCodes).not.toContain(done.recoveryCodes[0]);
    // An old recovery code no longer confirms anything; a new one does, once.
    expect((await failure(a.api.disableTotp({ confirm: { totpCode: done.recoveryCodes[0]! } }))).code).toBe("unauthenticated");
    const c = await h.withBearer(undefined).signIn({ username: "alice", password: PASSWORD });
    const other = await h.withBearer(undefined).signInSecondFactor({ challenge: c.result!.challenge, code: totpCodeAt(begun.secret, h.clock.now()) });
    expect((await a.api.disableTotp({ confirm: { totpCode: fresh.recoveryCodes[0]! } })).sessionsRevoked).toBe(1);
    expect((await failure(h.withBearer(other.result!.sessionToken).whoAmI({}))).code).toBe("unauthenticated");
    expect((await a.api.whoAmI({})).user!.totpEnabled).toBe(false);
    const audit = JSON.stringify(h.store.listAudit({}));
    for (const secret of [begun.secret, ...fresh.recoveryCodes, ...done.recoveryCodes]) expect(audit).not.toContain(secret);
  });
});

describe("what an API token may not do", () => {
  test("a token is refused every method that changes or lists its user's account; WhoAmI tells its scope", async () => {
    const h = adminHarness();
    await person(h, "alice", "admin");
    const { api } = await signedIn(h, "alice");
    const { secret } = await api.createApiToken({ confirm: { password: PASSWORD }, name: "billing", scope: "full", ttlSeconds: 86_400n });
    const token = h.withBearer(secret);
    const me = await token.whoAmI({});
    expect(me).toMatchObject({ via: "token", scope: "full" });
    const calls = [
      () => token.changePassword({ confirm: { password: PASSWORD }, newPassword: NEW_PASSWORD }),
      () => token.createApiToken({ confirm: { password: PASSWORD }, name: "more", scope: "full", ttlSeconds: 60n }),
      () => token.listApiTokens({}),
      () => token.revokeApiToken({ tokenId: me.credentialId }),
      () => token.beginTotpEnrolment({ confirm: { password: PASSWORD } }),
      () => token.disableTotp({ confirm: { password: PASSWORD } }),
      () => token.newRecoveryCodes({ confirm: { password: PASSWORD } }),
      () => token.listMySessions({}),
      () => token.revokeMySessions({ allOthers: true }),
      () => token.signOut({}),
    ];
    for (const call of calls) {
      const e = await failure(call());
      expect([e.code, e.message]).toEqual(["permission-denied", "an API token may not change its user's account; sign in as the user"]);
    }
    // Nothing was spent on the refusals: the password still works and the account is not locked.
    await signedIn(h, "alice");
  });
});
