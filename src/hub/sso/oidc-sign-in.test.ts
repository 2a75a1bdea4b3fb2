/**
 * The hub's OIDC client against a real provider (oidc-provider over https
 * on loopback with a test CA): the whole authorization code flow with the
 * browser played by fetch, groups mapped to roles, and every way an answer
 * must be refused: another sign-in's state, a replayed callback, a wrong
 * nonce, an untrusted certificate, a wrong client secret, no provider.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DcaError } from "../../common/errors.ts";
import { freeTcpPort } from "../../../test/support/free-port.ts";
import { type OidcPeer, startOidcPeer } from "../../../test/support/oidc-peer.ts";
import { type OidcConfig, finishOidc, mapGroups, parseOidcConfig, parseRoleMapping, requireGrants, startOidc } from "./index.ts";

const REDIRECT = "https://127.0.0.1:8443/sso/callback";
let peer: OidcPeer;
let idTokenPeer: OidcPeer;

beforeAll(async () => {
  [peer, idTokenPeer] = await Promise.all([
    startOidcPeer({ redirectUris: [REDIRECT] }),
    startOidcPeer({ redirectUris: [REDIRECT], claimsInIdToken: true }),
  ]);
});

afterAll(async () => {
  await Promise.all([peer?.stop(), idTokenPeer?.stop()]);
});

const configFor = (p: OidcPeer, extra: Record<string, unknown> = {}): OidcConfig =>
  parseOidcConfig({ issuer: p.issuer, clientId: p.clientId, clientSecret: p.clientSecret, caFile: p.caPath, scopes: "openid profile email groups", ...extra });

const mapping = parseRoleMapping([
  { group: "printadmins", role: "admin" },
  { group: "techs", role: "technician", site: "Acme Dental" },
  { group: "viewers", role: "viewer", siteGroup: "north" },
]);

/** A full sign-in as `accountId`; returns the callback URL too, for replays. */
async function signIn(p: OidcPeer, accountId: string, config = configFor(p)) {
  const start = await startOidc(config, REDIRECT);
  const callback = await p.signIn(start.url, accountId);
  return { start, callback, identity: await finishOidc(config, REDIRECT, callback, start) };
}

async function refusal(run: Promise<unknown>): Promise<DcaError> {
  const e = await run.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(DcaError);
  expect((e as DcaError).message).not.toContain("\n");
  return e as DcaError;
}

describe("OIDC sign-in against oidc-provider", () => {
  test("the authorization URL asks for code with PKCE S256, state and nonce", async () => {
    const start = await startOidc(configFor(peer), REDIRECT);
    const url = new URL(start.url);
    expect(url.origin).toBe(peer.issuer);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: "code",
      client_id: peer.clientId,
      redirect_uri: REDIRECT,
      scope: "openid profile email groups",
      code_challenge_method: "S256",
      state: start.state,
      nonce: start.nonce,
    });
    expect(start.codeVerifier.length).toBeGreaterThanOrEqual(43);
    expect(url.searchParams.get("code_challenge")).not.toBe(start.codeVerifier);
  });

  test("identity and groups come through (from userinfo) and the mapping gives roles", async () => {
    const { identity } = await signIn(peer, "bob-sub");
    expect(identity).toEqual({
      source: "oidc",
      externalId: `${peer.issuer} bob-sub`,
      username: "bob",
      displayName: "Bob Tech",
      email: "bob@dca.test",
      groups: ["techs", "viewers"],
    });
    expect(mapGroups(identity, mapping)).toEqual([
      { role: "technician", site: "Acme Dental" },
      { role: "viewer", siteGroup: "north" },
    ]);
  });

  test("groups from the ID token itself, and a username claim that is missing falls back to email", async () => {
    const { identity } = await signIn(idTokenPeer, "alice-sub", configFor(idTokenPeer, { usernameClaim: "upn" }));
    expect(identity).toMatchObject({ username: "alice@dca.test", groups: ["printadmins"], externalId: `${idTokenPeer.issuer} alice-sub` });
    expect(requireGrants(identity, mapping)).toEqual([{ role: "admin" }]);
  });

  test("someone in no mapped group is refused with a clear message", async () => {
    const { identity } = await signIn(peer, "carol-sub");
    expect(identity.groups).toEqual([]);
    const e = await refusal(Promise.resolve().then(() => requireGrants(identity, mapping)));
    expect(e.code).toBe("permission-denied");
    expect(e.message).toBe(
      "sign-in refused: carol is in none of the groups this hub gives a role to (the OIDC provider sent no groups); ask an admin to map one of your groups to a role",
    );
  });

  test("an answer with another sign-in's state is refused before anything is asked of the provider", async () => {
    const config = configFor(peer);
    const mine = await startOidc(config, REDIRECT);
    const other = await startOidc(config, REDIRECT);
    const callback = await peer.signIn(other.url, "alice-sub");
    const e = await refusal(finishOidc(config, REDIRECT, callback, mine));
    expect([e.code, e.reason]).toEqual(["unauthenticated", "oidc-state"]);
    expect(e.message).toContain("(state differs); start the sign-in again");
    // The code was not spent: the sign-in it belongs to still finishes.
    expect((await finishOidc(config, REDIRECT, callback, other)).username).toBe("alice");
  });

  test("a replayed callback is refused (the provider spends a code once)", async () => {
    const { start, callback } = await signIn(peer, "alice-sub");
    const e = await refusal(finishOidc(configFor(peer), REDIRECT, callback, start));
    expect([e.code, e.reason]).toEqual(["unauthenticated", "oidc-refused"]);
    expect(e.message).toContain("invalid_grant");
  });

  test("an ID token with another nonce is refused", async () => {
    const config = configFor(peer);
    const start = await startOidc(config, REDIRECT);
    const callback = await peer.signIn(start.url, "alice-sub");
    const e = await refusal(finishOidc(config, REDIRECT, callback, { ...start, nonce: "not-the-nonce" }));
    expect([e.code, e.reason]).toEqual(["unauthenticated", "oidc-token"]);
  });

  test("the provider's own refusal (error=access_denied) is passed on", async () => {
    const start = await startOidc(configFor(peer), REDIRECT);
    const e = await refusal(finishOidc(configFor(peer), REDIRECT, `${REDIRECT}?error=access_denied&error_description=End-User+aborted&state=${start.state}`, start));
    expect(e.message).toContain("(access_denied: End-User aborted)");
  });

  test("an issuer whose CA is not trusted is refused with what to do", async () => {
    const none = await refusal(startOidc(configFor(peer, { caFile: undefined }), REDIRECT));
    expect([none.code, none.reason]).toEqual(["unavailable", "tls"]);
    expect(none.message).toMatch(/^the OIDC issuer https:\/\/127\.0\.0\.1:\d+ presented a certificate this hub does not trust \([A-Z_]+\); set caFile to the PEM file of the CA/);
    const wrong = await refusal(startOidc(configFor(peer, { caFile: peer.otherCaPath }), REDIRECT));
    expect(wrong.message).toContain(`${peer.otherCaPath} (caFile) is not the CA that signed it`);
  });

  test("a wrong client secret is a config problem and is never printed", async () => {
    const config = configFor(peer, { clientSecret: "not-the-secret" });
    const start = await startOidc(config, REDIRECT);
    const callback = await peer.signIn(start.url, "alice-sub");
    const e = await refusal(finishOidc(config, REDIRECT, callback, start));
    expect([e.code, e.reason]).toEqual(["invalid-config", "client-credentials"]);
    expect(e.message).not.toContain("not-the-secret");
    expect(JSON.stringify(config)).not.toContain("not-the-secret");
  });

  test("an issuer URL that is not the one the provider names itself is refused at discovery", async () => {
    const e = await refusal(startOidc(configFor(peer, { issuer: peer.issuer.replace("127.0.0.1", "localhost") }), REDIRECT));
    expect([e.code, e.reason]).toEqual(["invalid-config", "discovery"]);
    expect(e.message).toContain("exactly as the provider names itself");
  });

  test("no provider at the issuer URL: unreachable", async () => {
    const port = await freeTcpPort();
    const e = await refusal(startOidc(configFor(peer, { issuer: `https://127.0.0.1:${port}` }), REDIRECT));
    expect([e.code, e.reason]).toEqual(["unavailable", "unreachable"]);
    expect(e.message).toContain(`cannot reach the OIDC issuer https://127.0.0.1:${port}`);
  });
});
