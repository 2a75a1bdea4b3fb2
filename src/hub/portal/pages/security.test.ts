/**
 * The own-security page through the portal app in-process: an enrolment-only
 * session turns TOTP on and becomes a full session (a new cookie), the
 * password is changed with the current one, other sessions are signed out,
 * and a refusal (a wrong current password) is shown as the RPC words it.
 */
import { describe, expect, test } from "bun:test";
import { totpCodeAt } from "../../accounts/index.ts";
import { PASSWORD, person } from "../../../../test/support/sign-in-fixture.ts";
import { type PortalBrowser, portalBrowser } from "../../../../test/support/portal-fixture.ts";
import { SESSION_COOKIE } from "../cookies.ts";

async function signIn(b: PortalBrowser, username: string, password = PASSWORD): Promise<Response> {
  await b.text(await b.get("/login"));
  return b.post("/login", { username, password, next: "/" });
}

describe("the own-security page", () => {
  test("an enrolment-only session turns TOTP on, gets its recovery codes, and becomes a full session", async () => {
    const b = portalBrowser();
    await person(b.h, "carol", "owner");
    b.h.store.setSecuritySettings({ require2fa: true });
    await signIn(b, "carol");
    const enrolToken = b.jar.get(SESSION_COOKIE);
    await b.text(await b.get("/account/security"));
    const begun = await b.text(await b.post("/account/totp/begin", { confirm_password: PASSWORD }));
    expect(begun).toContain('alt="QR code for your authenticator app"');
    const secret = /Secret: <code>([A-Z2-7]+)<\/code>/.exec(begun)![1]!;
    const done = await b.text(await b.post("/account/totp/confirm", { code: totpCodeAt(secret, b.h.clock.now()) }));
    expect(done).toContain("Two-factor sign-in is on.");
    expect(done.match(/<li>[a-z0-9]{4}-[a-z0-9]{4}(-[a-z0-9]{4})?<\/li>/g)?.length).toBe(10);
    expect(b.jar.get(SESSION_COOKIE)).not.toBe(enrolToken);
    // The forms on that answer already belong to the new session, and the rest of the portal opens.
    expect((await b.get("/")).status).toBe(200);
    expect((await b.post("/account/sessions/revoke", { all_others: "1" })).status).toBe(200);
  });

  test("the password is changed with the current one; a wrong one is refused as the RPC says", async () => {
    const b = portalBrowser();
    await person(b.h, "dave", "viewer");
    await signIn(b, "dave");
    await b.text(await b.get("/account/security"));
    const wrong = await b.post("/account/password", { confirm_password: "not the password", new_password: "copper meadow violin 17", new_password2: "copper meadow violin 17" });
    expect(wrong.status).toBe(401);
    expect(await b.text(wrong)).toMatch(/notice error[^>]*>[^<]*(password|confirm)/i);
    const ok = await b.text(await b.post("/account/password", { confirm_password: PASSWORD, new_password: "copper meadow violin 17", new_password2: "copper meadow violin 17" }));
    expect(ok).toContain("Password changed.");
    // The new password works.
    expect((await b.h.withBearer(undefined).signIn({ username: "dave", password: "copper meadow violin 17", client: "t" })).result?.sessionToken).toStartWith("dcas_");
  });

  test("another session is listed and signed out from here", async () => {
    const b = portalBrowser();
    const erin = await person(b.h, "erin", "viewer");
    const other = b.h.store.createSession({ userId: erin.id, method: "password", address: "192.0.2.9", client: "dca-hub cli" });
    await signIn(b, "erin");
    const page = await b.text(await b.get("/account/security"));
    expect(page).toContain("192.0.2.9");
    const r = await b.text(await b.post("/account/sessions/revoke", { session_id: other.session.id }));
    expect(r).toContain("1 session(s) signed out.");
    expect(r).not.toContain("192.0.2.9");
  });
});
