/**
 * Single sign-on end to end on loopback: a real hub (startHub) whose OIDC
 * setting names a real provider (oidc-provider, test/support/oidc-peer.ts),
 * a client playing the CLI (StartSsoSignIn with PKCE, the browser through
 * the provider and the hub's /sso/callback, FinishSsoSignIn), the groups
 * mapped to roles, and the refusals: a reused ticket, a wrong verifier, an
 * unknown state, someone in no mapped group, return_to elsewhere.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import http2 from "node:http2";
import { type AdminClient, connectAdmin } from "../admin/admin-client.ts";
import { type RunningHub, startHub } from "../server/start-hub.ts";
import { SSO_SETTING_KEYS } from "../sso/index.ts";
import { tempDataDir } from "../../../test/support/hub-store-fixtures.ts";
import { type OidcPeer, startOidcPeer } from "../../../test/support/oidc-peer.ts";
import { failure } from "../../../test/support/sign-in-fixture.ts";
import { codeChallengeOf } from "./sso-tickets.ts";

let hub: RunningHub;
let peer: OidcPeer;
let api: AdminClient;

beforeAll(async () => {
  hub = await startHub({ dataDir: tempDataDir(), host: "127.0.0.1", port: 0, log: () => {} });
  peer = await startOidcPeer({ redirectUris: [`${hub.url}/sso/callback`] });
  hub.store.createSite("Acme");
  hub.store.setSetting(SSO_SETTING_KEYS.oidc, { issuer: peer.issuer, clientId: peer.clientId, clientSecret: peer.clientSecret, caFile: peer.caPath, scopes: "openid profile email groups" });
  hub.store.setSetting(SSO_SETTING_KEYS.roleMapping, [
    { group: "printadmins", role: "admin" },
    { group: "techs", role: "technician", site: "Acme" },
  ]);
  api = connectAdmin({ hub: hub.url, ca: hub.tls.caPem!, token: "" });
});
afterAll(async () => {
  await peer?.stop();
  await hub?.close();
});

/** A GET to the hub over HTTP/2 (what a browser speaks), without following redirects. */
async function browserGet(url: string): Promise<{ status: number; location: string; body: string }> {
  const u = new URL(url);
  const session = http2.connect(u.origin, { ca: hub.tls.caPem! });
  try {
    return await new Promise((resolve, reject) => {
      const req = session.request({ ":method": "GET", ":path": `${u.pathname}${u.search}` });
      let status = 0;
      let location = "";
      let body = "";
      req.on("response", (h) => {
        status = Number(h[":status"]);
        location = String(h.location ?? "");
      });
      req.setEncoding("utf8");
      req.on("data", (d: string) => (body += d));
      req.on("end", () => resolve({ status, location, body }));
      req.on("error", reject);
      req.end();
    });
  } finally {
    session.close();
  }
}

const RETURN_TO = "http://127.0.0.1:45678/sso-done";

/** The CLI's half up to the ticket: start, the browser at the provider as `accountId`, the callback's redirect. */
async function throughBrowser(accountId: string) {
  const verifier = randomBytes(32).toString("base64url");
  const { authorizationUrl } = await api.startSsoSignIn({ returnTo: RETURN_TO, state: "cli-state-1", codeChallenge: codeChallengeOf(verifier) });
  const back = await peer.signIn(authorizationUrl, accountId);
  expect(back.startsWith(`${hub.url}/sso/callback?`)).toBe(true);
  const answer = await browserGet(back);
  expect(answer.status).toBe(303);
  const done = new URL(answer.location);
  expect(`${done.origin}${done.pathname}`).toBe(RETURN_TO);
  expect(done.searchParams.get("state")).toBe("cli-state-1");
  return { verifier, ticket: done.searchParams.get("ticket") ?? "", error: done.searchParams.get("error_description") ?? "" };
}

describe("OIDC single sign-on", () => {
  test("a person in a mapped group signs in; the session is theirs with the group's role; the ticket works once", async () => {
    const { verifier, ticket } = await throughBrowser("alice-sub");
    expect(ticket).toMatch(/^[\w-]{43}$/);
    const { result } = await api.finishSsoSignIn({ ticket, codeVerifier: verifier, client: "test" });
    const alice = connectAdmin({ hub: hub.url, ca: hub.tls.caPem!, token: result!.sessionToken });
    const me = await alice.whoAmI({});
    expect(me.user).toMatchObject({ username: "alice", displayName: "Alice Admin", email: "alice@dca.test", source: "oidc" });
    expect(me.user!.grants.map((g) => [g.role, g.siteId, g.source])).toEqual([["admin", "", "sso"]]);
    expect((await alice.listMySessions({})).sessions[0]!.method).toBe("oidc");
    expect(hub.store.getUserByUsername("alice")!.externalId).toBe(`${peer.issuer} alice-sub`);
    expect((await failure(api.finishSsoSignIn({ ticket, codeVerifier: verifier }))).code).toBe("unauthenticated");
    const rec = hub.store.listAudit({ action: "FinishSsoSignIn" });
    expect(rec.map((r) => [r.actor, r.outcome, r.detail.reason ?? r.detail.method])).toEqual([
      ["(single sign-on)", "failed", "sso-ticket"],
      ["alice", "ok", "oidc"],
    ]);
    // No password at the hub: a fresh single sign-on confirms changes; the provider's MFA stands for TOTP.
    const made = await alice.createApiToken({ name: "ci", scope: "meters", ttlSeconds: 3600n });
    expect(made.secret).toMatch(/^dcat_/);
    expect((await failure(alice.beginTotpEnrolment({ confirm: { password: "anything at all" } }))).code).toBe("failed-precondition");
    expect((await failure(alice.changePassword({ newPassword: "harbour lantern fig 77" }))).code).toBe("failed-precondition");
  });

  test("the ticket needs the verifier of the challenge the sign-in started with", async () => {
    const { ticket } = await throughBrowser("bob-sub");
    const wrong = await failure(api.finishSsoSignIn({ ticket, codeVerifier: randomBytes(32).toString("base64url") }));
    expect(wrong.code).toBe("unauthenticated");
    expect(hub.store.listAudit({ action: "FinishSsoSignIn" })[0]!.detail.reason).toBe("sso-pkce");
  });

  test("someone in no mapped group is refused at FinishSsoSignIn, with the audit record saying why", async () => {
    const { verifier, ticket } = await throughBrowser("carol-sub");
    const e = await failure(api.finishSsoSignIn({ ticket, codeVerifier: verifier }));
    expect(e.code).toBe("permission-denied");
    expect(e.message).toContain("carol is in none of the groups");
    expect(hub.store.listAudit({ action: "FinishSsoSignIn" })[0]).toMatchObject({ actor: "carol", outcome: "denied", detail: { reason: "no-mapped-group" } });
    expect(hub.store.getUserByUsername("carol")).toBeUndefined();
  });

  test("the callback refuses an unknown state; StartSsoSignIn refuses a return_to elsewhere and a bad challenge", async () => {
    const r = await browserGet(`${hub.url}/sso/callback?code=x&state=nobody-started-this`);
    expect(r.status).toBe(400);
    expect(r.body).toContain("sign-in refused");
    expect(hub.store.listAudit({ action: "SsoCallback" })[0]).toMatchObject({ outcome: "failed", detail: { reason: "oidc-state" } });
    const challenge = codeChallengeOf(randomBytes(32).toString("base64url"));
    for (const returnTo of ["https://evil.example/x", "//evil.example/x", "http://127.0.0.1/x", "http://localhost:5000/x", "http://user@127.0.0.1:5000/"]) {
      expect((await failure(api.startSsoSignIn({ returnTo, state: "s", codeChallenge: challenge }))).code).toBe("invalid-argument");
    }
    expect((await failure(api.startSsoSignIn({ returnTo: RETURN_TO, state: "s", codeChallenge: "short" }))).code).toBe("invalid-argument");
    const portal = await api.startSsoSignIn({ returnTo: "/portal/after-sign-in", state: "", codeChallenge: challenge });
    const asked = new URL(portal.authorizationUrl).searchParams;
    expect(asked.get("redirect_uri")).toBe(`${hub.url}/sso/callback`);
    // The provider refuses: the browser goes back to return_to (on the hub) with the error, no ticket.
    const refused = await browserGet(`${hub.url}/sso/callback?error=access_denied&error_description=no&state=${asked.get("state")}`);
    expect(refused.status).toBe(303);
    const back = new URL(refused.location, hub.url);
    expect(back.pathname).toBe("/portal/after-sign-in");
    expect([back.searchParams.get("error"), back.searchParams.get("ticket")]).toEqual(["unauthenticated", null]);
    expect(back.searchParams.get("error_description")).toContain("the OIDC provider refused the sign-in (access_denied: no)");
    expect(hub.store.listAudit({ action: "SsoCallback" })[0]!.detail.reason).toBe("oidc-refused");
  });
});
