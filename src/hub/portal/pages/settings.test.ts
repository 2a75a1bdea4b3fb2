/**
 * API tokens and the hub's settings through the portal app in-process: a
 * token's secret is shown once and works; a wrong confirmation is shown on
 * the page (still signed in); the security settings are saved by an owner
 * and refused to an admin with the RPC's words; single sign-on secrets are
 * write-only (never in a page, kept when the field is left empty); the role
 * mapping gets and loses lines.
 */
import { describe, expect, test } from "bun:test";
import { PASSWORD, person } from "../../../../test/support/sign-in-fixture.ts";
import { portalBrowser } from "../../../../test/support/portal-fixture.ts";
import { SSO_SETTING_KEYS } from "../../sso/index.ts";
import { noticeOf, signIn } from "../../../../test/support/portal-admin-fixture.ts";

describe("my API tokens", () => {
  test("a token is made with the password, its secret shown once, used as a bearer, then revoked", async () => {
    const b = portalBrowser();
    await person(b.h, "tom", "viewer");
    await signIn(b, "tom");
    await b.text(await b.get("/account/tokens"));
    const wrong = await b.post("/account/tokens", { name: "export", scope: "meters", days: "30", confirm_password: "not my password" });
    expect(wrong.status).toBe(401);
    expect(noticeOf(await b.text(wrong), "error")).toMatch(/password|confirm/i);
    const made = await b.text(await b.post("/account/tokens", { name: "export", scope: "meters", days: "30", confirm_password: PASSWORD }));
    const secret = /<code id="token-secret">(dcat_[^<]+)<\/code>/.exec(made)![1]!;
    expect(noticeOf(made, "ok")).toMatch(/^Token export made \(scope meters\), until \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/);
    expect((await b.h.withBearer(secret).whoAmI({})).scope).toBe("meters");
    const again = await b.text(await b.get("/account/tokens"));
    expect(again).not.toContain(secret);
    expect(again).toContain("<td>export</td><td>meters</td>");
    const id = /name="token_id" value="([^"]+)"/.exec(again)![1]!;
    const revoked = await b.text(await b.post("/account/tokens/revoke", { token_id: id }));
    expect(noticeOf(revoked, "ok")).toBe("Token export revoked: it no longer works.");
    expect(revoked).not.toContain("<td>export</td>");
    expect(await b.h.withBearer(secret).whoAmI({}).then(() => "works", () => "refused")).toBe("refused");
  });
});

describe("the settings page", () => {
  test("an owner saves the security settings; an admin reads them and is refused the change and SSO", async () => {
    const b = portalBrowser();
    await person(b.h, "olive", "owner");
    await person(b.h, "adam", "admin");
    await signIn(b, "olive");
    const page = await b.text(await b.get("/settings"));
    expect(page).toContain('id="set-lockout_attempts" name="lockout_attempts" type="number"');
    const form = { lockout_attempts: "7", lockout_minutes: "0", inactivity_days: "60", session_hours: "10", session_idle_minutes: "30", audit_retention_days: "400" };
    const saved = await b.text(await b.post("/settings/security", form));
    expect(noticeOf(saved, "ok")).toBe("Security settings saved.");
    expect(b.h.store.getSecuritySettings()).toMatchObject({ require2fa: false, lockoutAttempts: 7, lockoutMinutes: 0, inactivityDays: 60, auditRetentionDays: 400 });
    const bad = await b.post("/settings/security", { ...form, lockout_attempts: "-1" });
    expect(bad.status).toBe(400);
    expect(noticeOf(await b.text(bad), "error")).toBe("Failed sign-ins in a row that lock an account: give a whole number, 0 or more.");

    // The same browser, signed out and in again as an admin.
    await b.post("/logout", {});
    const admin = b;
    await signIn(admin, "adam");
    const seen = await admin.text(await admin.get("/settings"));
    expect(seen).toContain('value="7"');
    expect(noticeOf(seen, "error")).toBe("permission denied: adam may not change owners and the hub&#39;s security settings (owner.manage); an owner or admin can grant a role that allows it");
    const refused = await admin.post("/settings/security", form);
    expect(refused.status).toBe(403);
    expect(noticeOf(await admin.text(refused), "error")).toContain("adam may not change owners and the hub&#39;s security settings (owner.manage)");
  });

  test("OIDC and LDAP secrets are write-only: never in a page, kept when left empty; the role mapping changes", async () => {
    const b = portalBrowser();
    await person(b.h, "olive", "owner");
    b.h.store.createSite("Acme");
    await signIn(b, "olive");
    await b.text(await b.get("/settings"));
    const secret = "oidc-client-secret-9f8e7d";
    const oidc = { issuer: "https://idp.example.test", client_id: "dca", client_secret: secret, groups_claim: "", username_claim: "", scopes: "", ca_file: "" };
    const saved = await b.text(await b.post("/settings/oidc", oidc));
    expect(noticeOf(saved, "ok")).toBe("OpenID Connect sign-in saved: issuer https://idp.example.test, client secret set.");
    expect(saved).not.toContain(secret);
    expect(saved).toContain('value="https://idp.example.test"');
    const kept = await b.text(await b.post("/settings/oidc", { ...oidc, client_id: "dca2", client_secret: "" }));
    expect(noticeOf(kept, "ok")).toBe("OpenID Connect sign-in saved: issuer https://idp.example.test, client secret kept.");
    expect((b.h.store.getSetting(SSO_SETTING_KEYS.oidc) as { clientSecret: string; clientId: string })).toMatchObject({ clientSecret: secret, clientId: "dca2" });
    const bindPassword = "ldap-bind-password-1a2b";
    const ldap = await b.text(await b.post("/settings/ldap", { url: "ldaps://dir.example.test", bind_dn: "cn=svc", bind_password: bindPassword, user_base: "ou=people", user_filter: "", group_base: "", group_filter: "", ca_file: "" }));
    expect(noticeOf(ldap, "ok")).toBe("LDAP sign-in saved: ldaps://dir.example.test, bind password set.");
    expect(ldap).not.toContain(bindPassword);
    expect(ldap).not.toContain(secret);
    const mapped = await b.text(await b.post("/settings/mapping", { group: "printadmins", role: "admin", where: "site:Acme" }));
    expect(noticeOf(mapped, "ok")).toBe("Members of printadmins get admin on site Acme at their next single sign-on.");
    expect(mapped).toContain("<td>printadmins</td><td>admin</td><td>site Acme</td>");
    const removed = await b.text(await b.post("/settings/mapping/remove", { index: "0", group: "printadmins" }));
    expect(noticeOf(removed, "ok")).toBe("The mapping of printadmins is removed; its members lose that role at their next single sign-on.");
    expect(removed).toContain("None: single sign-on gives nobody a role yet.");
    const off = await b.text(await b.post("/settings/oidc", { off: "1" }));
    expect(noticeOf(off, "ok")).toBe("OpenID Connect sign-in is off.");
  });
});
