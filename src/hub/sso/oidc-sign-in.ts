/**
 * Signing someone in through an OpenID Connect provider with openid-client:
 * the authorization code flow with PKCE (S256), state and nonce. startOidc
 * gives the URL to send the browser to and what the hub must keep (server
 * side, once); finishOidc takes the browser's return to the redirect URI,
 * checks state, exchanges the code, and lets openid-client check the ID
 * token (signature against the issuer's JWKS, issuer, audience, nonce,
 * expiry). Groups come from the ID token, or from userinfo when it lacks them.
 */
import { timingSafeEqual } from "node:crypto";
import * as client from "openid-client";
import { DcaError } from "../../common/errors.ts";
import { type ExternalIdentity, externalIdentity } from "./map-groups.ts";
import { OIDC_TIMEOUT_MS, createOidcFetch } from "./oidc-fetch.ts";
import { oidcFailure } from "./oidc-errors.ts";
import { type OidcConfig, isLoopbackUrl } from "./sso-config.ts";
import { readCaFile } from "./tls-trust.ts";

/** What the hub keeps between startOidc and finishOidc (never sent to the browser but for `state`). */
export interface OidcPending {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Where to send the browser, and what to keep. */
export interface OidcStart extends OidcPending {
  url: string;
}

/** Discovery with the config's CA, 10 s bounds and the client's secret; plain http only towards loopback. */
async function discover(config: OidcConfig): Promise<client.Configuration> {
  const issuer = new URL(config.issuer);
  const ca = config.caFile ? readCaFile(config.caFile, "caFile") : undefined;
  const insecure = issuer.protocol === "http:" && isLoopbackUrl(issuer);
  try {
    return await client.discovery(issuer, config.clientId, undefined, client.ClientSecretBasic(config.clientSecret.reveal()), {
      [client.customFetch]: createOidcFetch(ca),
      timeout: OIDC_TIMEOUT_MS / 1000,
      execute: insecure ? [client.allowInsecureRequests] : [],
    });
  } catch (e) {
    throw oidcFailure(e, config, "discovery");
  }
}

/** Starts a sign-in: the provider's authorization URL for `redirectUri`, with fresh state, nonce and PKCE verifier. */
export async function startOidc(config: OidcConfig, redirectUri: string): Promise<OidcStart> {
  const cfg = await discover(config);
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(cfg, {
    redirect_uri: redirectUri,
    scope: config.scopes,
    response_type: "code",
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  return { url: url.href, state, nonce, codeVerifier };
}

function sameText(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A claim by its exact name, or along a dotted path ("realm_access.roles") when no claim has that name. */
function claimOf(claims: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  let cur: unknown = claims;
  for (const part of name.split(".")) cur = cur !== null && typeof cur === "object" && Object.hasOwn(cur, part) ? (cur as Record<string, unknown>)[part] : undefined;
  return cur;
}

const stringClaim = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const listClaim = (v: unknown): string[] => (Array.isArray(v) ? v.filter((g): g is string => typeof g === "string") : typeof v === "string" ? [v] : []);

/**
 * Finishes a sign-in from the URL the browser came back to (`callbackUrl`,
 * with its query) and what startOidc gave (`pending`, taken once from where
 * the hub kept it). Throws unauthenticated (reason oidc-state, oidc-refused,
 * oidc-token) when the answer is not for this sign-in or does not check out.
 */
export async function finishOidc(config: OidcConfig, redirectUri: string, callbackUrl: string | URL, pending: OidcPending): Promise<ExternalIdentity> {
  const back = new URL(callbackUrl);
  const error = back.searchParams.get("error");
  if (error !== null) {
    const said = [error, back.searchParams.get("error_description")].filter(Boolean).join(": ").slice(0, 300);
    throw new DcaError("unauthenticated", `the OIDC provider refused the sign-in (${said}); try again, or ask an admin to check the hub's client there`, { reason: "oidc-refused" });
  }
  const state = back.searchParams.get("state") ?? "";
  if (!sameText(state, pending.state)) {
    throw new DcaError("unauthenticated", "sign-in refused: the answer from the OIDC provider is not for this sign-in (state differs); start the sign-in again", {
      reason: "oidc-state",
    });
  }
  const cfg = await discover(config);
  // The registered redirect URI with the answer's parameters: the token request must name the URI exactly as the authorization request did.
  const current = new URL(redirectUri);
  for (const [k, v] of back.searchParams) current.searchParams.set(k, v);
  try {
    const tokens = await client.authorizationCodeGrant(cfg, current, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims() as Record<string, unknown> & { iss: string; sub: string };
    let claims: Record<string, unknown> = idClaims;
    const missing = claimOf(idClaims, config.groupsClaim) === undefined || claimOf(idClaims, config.usernameClaim) === undefined;
    if (missing && cfg.serverMetadata().userinfo_endpoint && tokens.access_token) {
      const info = await client.fetchUserInfo(cfg, tokens.access_token, idClaims.sub);
      // The signed ID token wins where both say something.
      claims = { ...info, ...idClaims };
    }
    const email = stringClaim(claims.email) ?? "";
    const username = stringClaim(claimOf(claims, config.usernameClaim)) ?? (email || idClaims.sub);
    return externalIdentity({
      source: "oidc",
      externalId: `${idClaims.iss} ${idClaims.sub}`,
      username,
      displayName: stringClaim(claims.name) ?? username,
      email,
      groups: listClaim(claimOf(claims, config.groupsClaim)),
    });
  } catch (e) {
    throw oidcFailure(e, config, "token");
  }
}
