/**
 * Local users: creating them with a policy-checked password, the admin's
 * switches, and changes to one's own password that need the current one.
 */
import { describe, expect, test } from "bun:test";
import { PASSWORD, accountsWorld, attempt } from "../../../test/support/accounts-fixture.ts";
import { DcaError } from "../../common/errors.ts";

/** The code and reason of what `f` rejects with, or "resolved". */
async function refusal(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
    return "resolved";
  } catch (e) {
    if (!(e instanceof DcaError)) throw e;
    return `${e.code}${e.reason ? `/${e.reason}` : ""}`;
  }
}

describe("local users", () => {
  test("created with a checked username and password; the password signs in; no secret in the User", async () => {
    const w = accountsWorld();
    const u = await w.accounts.createLocalUser({ username: "Quinn", displayName: "Quinn Q", email: "q@example.com", password: "river stone lamp", createdBy: "owner1" });
    expect(u).toMatchObject({ username: "Quinn", displayName: "Quinn Q", email: "q@example.com", source: "local", hasPassword: true, createdBy: "owner1" });
    expect(JSON.stringify(u)).not.toContain("argon2");
    expect(w.store.userSecrets(u.id)?.passwordHash).toMatch(/^\$argon2id\$/);
    expect((await w.signIn.checkPassword(attempt("quinn", "river stone lamp"))).outcome).toBe("ok");
    expect(w.accounts.getUserByUsername("QUINN")?.id).toBe(u.id);
    expect(w.accounts.listUsers().map((x) => x.username)).toEqual(["Quinn"]);
  });

  test("a bad username is refused before the password; a refused password creates nobody; names are unique in any case", async () => {
    const w = accountsWorld();
    expect(await refusal(() => w.accounts.createLocalUser({ username: "no spaces", password: "short" }))).toBe("invalid-argument");
    expect(await refusal(() => w.accounts.createLocalUser({ username: "rita", password: "short" }))).toBe("invalid-argument/password-policy");
    expect(await refusal(() => w.accounts.createLocalUser({ username: "rita", password: "rita is the best" }))).toBe("invalid-argument/password-policy");
    expect(w.accounts.listUsers()).toEqual([]);
    await w.accounts.createLocalUser({ username: "rita" });
    expect(await refusal(() => w.accounts.createLocalUser({ username: "RITA" }))).toBe("already-exists");
    expect((await w.signIn.checkPassword(attempt("rita", ""))).outcome).toBe("refused");
  });

  test("disable and enable; unlock; all refuse an unknown id", async () => {
    const w = accountsWorld();
    const u = await w.userWithPassword("sam");
    expect(w.accounts.disableUser(u.id, "left the company")).toMatchObject({ disabledReason: "left the company" });
    expect(await w.signIn.checkPassword(attempt("sam"))).toMatchObject({ reason: "disabled" });
    expect(w.accounts.enableUser(u.id).disabledReason).toBe("");
    for (let i = 0; i < 5; i++) await w.signIn.checkPassword(attempt("sam", "not the password"));
    expect(await w.signIn.checkPassword(attempt("sam"))).toMatchObject({ reason: "locked" });
    w.accounts.unlockUser(u.id);
    expect((await w.signIn.checkPassword(attempt("sam"))).outcome).toBe("ok");
    for (const f of [() => w.accounts.disableUser("usr_nosuchuser00000"), () => w.accounts.enableUser("usr_nosuchuser00000"), () => w.accounts.unlockUser("usr_nosuchuser00000")]) {
      expect(f).toThrow(/unknown user/);
    }
  });
});

describe("passwords changed", () => {
  test("by the user with the current password; a wrong current one is refused and counts towards the lockout", async () => {
    const w = accountsWorld();
    const u = await w.userWithPassword("tina");
    expect(await refusal(() => w.accounts.changePassword(u.id, { current: "not the password", next: "violet harbour bell" }))).toBe("unauthenticated/bad-proof");
    expect(w.store.getUser(u.id)?.failedSignIns).toBe(1);
    expect(await refusal(() => w.accounts.changePassword(u.id, { current: PASSWORD, next: "password123456" }))).toBe("invalid-argument/password-policy");
    const changed = await w.accounts.changePassword(u.id, { current: PASSWORD, next: "violet harbour bell" });
    expect(changed.passwordChangedAt).toEqual(new Date(w.clock.now()));
    expect((await w.signIn.checkPassword(attempt("tina"))).outcome).toBe("refused");
    expect((await w.signIn.checkPassword(attempt("tina", "violet harbour bell"))).outcome).toBe("ok");
  });

  test("guessing the current password through a change locks the account like failed sign-ins", async () => {
    const w = accountsWorld();
    const u = await w.userWithPassword("uma");
    for (let i = 0; i < 5; i++) await refusal(() => w.accounts.changePassword(u.id, { current: `guess number ${i}`, next: "violet harbour bell" }));
    expect(await refusal(() => w.accounts.changePassword(u.id, { current: PASSWORD, next: "violet harbour bell" }))).toBe("failed-precondition/locked");
  });

  test("by an admin without the old one, still policy-checked", async () => {
    const w = accountsWorld();
    const u = await w.userWithPassword("vera");
    expect(await refusal(() => w.accounts.resetPassword(u.id, "vera1234567890"))).toBe("invalid-argument/password-policy");
    await w.accounts.resetPassword(u.id, "amber kettle quiet");
    expect((await w.signIn.checkPassword(attempt("vera", "amber kettle quiet"))).outcome).toBe("ok");
    expect(await refusal(() => w.accounts.resetPassword("usr_nosuchuser00000", "amber kettle quiet"))).toBe("not-found");
  });
});
