/**
 * The portal's open methods over the in-process harness: the sign-in
 * options, the first owner with the setup code (once, only on a hub with
 * no user, not after it expires), and sign-in links (once, not after they
 * expire, for an enabled user; an enrolment-only session where the hub
 * requires 2FA).
 */
import { describe, expect, test } from "bun:test";
import { adminHarness } from "../../../test/support/admin-harness.ts";
import { PASSWORD, failure, person } from "../../../test/support/sign-in-fixture.ts";

describe("GetSignInOptions", () => {
  test("says whether setup is needed and whether SSO is on", async () => {
    const h = adminHarness();
    expect(await h.withBearer(undefined).getSignInOptions({})).toMatchObject({ sso: false, setupRequired: false });
  });
});

describe("SetUpFirstOwner", () => {
  test("a hub with a user refuses it, whatever the code", async () => {
    const h = adminHarness();
    const { code } = h.store.mintSetupCode(60_000);
    const e = await failure(h.withBearer(undefined).setUpFirstOwner({ code, username: "alice", password: PASSWORD }));
    expect(e.code).toBe("failed-precondition");
  });
});

describe("RedeemSignInLink", () => {
  test("signs its user in once; a used, unknown or expired code is refused alike", async () => {
    const h = adminHarness();
    const alice = await person(h, "alice", "owner");
    const anon = h.withBearer(undefined);
    const { code } = h.store.mintSignInLink(alice.id, 15 * 60_000);
    const { result } = await anon.redeemSignInLink({ code, client: "test" });
    expect(result?.sessionToken).toStartWith("dcas_");
    expect(result?.enrolRequired).toBe(false);
    expect((await h.withBearer(result!.sessionToken).whoAmI({})).user?.username).toBe("alice");
    const again = await failure(anon.redeemSignInLink({ code }));
    expect(again.code).toBe("unauthenticated");
    expect(again.message).toContain("unknown, used or expired");
    const late = h.store.mintSignInLink(alice.id, 60_000);
    h.clock.advance(60_001);
    expect((await failure(anon.redeemSignInLink({ code: late.code }))).message).toBe(again.message);
    const audit = h.store.listAudit({ limit: 10 }).filter((r) => r.action === "RedeemSignInLink");
    expect(audit.map((r) => r.outcome)).toEqual(["failed", "failed", "ok"]);
  });

  test("where the hub requires 2FA, a user without it gets an enrolment-only session", async () => {
    const h = adminHarness();
    const bob = await person(h, "bob", "owner");
    h.store.setSecuritySettings({ require2fa: true });
    const { result } = await h.withBearer(undefined).redeemSignInLink({ code: h.store.mintSignInLink(bob.id, 60_000).code });
    expect(result?.enrolRequired).toBe(true);
  });

  test("a disabled user is refused", async () => {
    const h = adminHarness();
    const carol = await person(h, "carol", "owner");
    const { code } = h.store.mintSignInLink(carol.id, 60_000);
    h.store.setUserDisabled(carol.id, true, "test");
    expect((await failure(h.withBearer(undefined).redeemSignInLink({ code }))).code).toBe("permission-denied");
  });
});
