/**
 * OIDC failures in words an admin or the person signing in can act on:
 * the issuer unreachable or its certificate untrusted, the hub's client
 * refused (a config matter), and a sign-in answer that does not check out
 * (a replayed or expired code, a token for someone else, a bad signature).
 * The client secret never appears: openid-client's errors do not carry it
 * and nothing here adds it.
 */
import { AuthorizationResponseError, ClientError, ResponseBodyError, WWWAuthenticateChallengeError } from "openid-client";
import { DcaError } from "../../common/errors.ts";
import { OIDC_TIMEOUT_MS } from "./oidc-fetch.ts";
import type { OidcConfig } from "./sso-config.ts";
import { describeTlsFailure, errorCodes } from "./tls-trust.ts";

/** What the hub was doing: discovery (also for startOidc), or the code exchange and token checks. */
export type OidcStage = "discovery" | "token";

/** Socket failures by their codes in Node and in Bun's fetch. */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ConnectionRefused",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNRESET",
  "ConnectionClosed",
  "FailedToOpenSocket",
  "UND_ERR_SOCKET",
]);

/** The message of an error and its causes on one line ("a: b: c"), bounded. */
function said(e: unknown): string {
  const parts: string[] = [];
  for (let cur = e, depth = 0; cur instanceof Error && depth < 4; cur = cur.cause, depth++) {
    if (cur.message && !parts.includes(cur.message)) parts.push(cur.message);
  }
  return parts.join(": ").replace(/\s*\n\s*/g, " ").slice(0, 300) || String(e);
}

/** A DcaError for `e`, met at `stage` against the issuer of `config`. */
export function oidcFailure(e: unknown, config: OidcConfig, stage: OidcStage): DcaError {
  if (e instanceof DcaError) return e;
  const peer = `the OIDC issuer ${config.issuer}`;
  const tls = describeTlsFailure(e, peer, "caFile", config.caFile);
  if (tls) return new DcaError("unavailable", tls, { cause: e, reason: "tls" });
  const codes = errorCodes(e);
  const down = codes.find((c) => UNREACHABLE.has(c));
  if (down) return new DcaError("unavailable", `cannot reach ${peer} (${down}); check the issuer URL and that the provider runs`, { cause: e, reason: "unreachable" });
  if (codes.includes("OAUTH_TIMEOUT") || codes.includes("ETIMEDOUT") || (e instanceof Error && e.name === "TimeoutError")) {
    return new DcaError("unavailable", `${peer} did not answer within ${OIDC_TIMEOUT_MS / 1000} s; check the issuer URL and the network`, { cause: e, reason: "unreachable" });
  }
  if (e instanceof WWWAuthenticateChallengeError) {
    // A 401 with a challenge from the token endpoint: the client's own authentication (RFC 6749 5.2 invalid_client).
    const p = e.cause[0]?.parameters ?? {};
    return clientRefused(peer, [p.error ?? `HTTP ${e.status}`, p.error_description].filter(Boolean).join(": ").slice(0, 300), e);
  }
  if (e instanceof ResponseBodyError) {
    const what = [e.error, e.error_description].filter(Boolean).join(": ").slice(0, 300);
    if (e.error === "invalid_client" || e.error === "unauthorized_client") return clientRefused(peer, what, e);
    return new DcaError("unauthenticated", `sign-in refused: ${peer} refused the sign-in code (${what}); it was used already or has expired: start the sign-in again`, {
      cause: e,
      reason: "oidc-refused",
    });
  }
  if (e instanceof AuthorizationResponseError) {
    const what = [e.error, e.error_description].filter(Boolean).join(": ").slice(0, 300);
    return new DcaError("unauthenticated", `sign-in refused: ${peer} refused the sign-in (${what}); start the sign-in again`, { cause: e, reason: "oidc-refused" });
  }
  if (stage === "discovery") {
    const fix = codes.includes("OAUTH_RESPONSE_IS_NOT_CONFORM") || codes.includes("OAUTH_RESPONSE_IS_NOT_JSON") ? "check the issuer URL" : "check the issuer URL (exactly as the provider names itself)";
    return new DcaError("invalid-config", `${peer} gave no usable OpenID discovery document (${said(e)}); ${fix}`, { cause: e, reason: "discovery" });
  }
  if (e instanceof ClientError || (e instanceof Error && /^OAUTH_/.test(codes[0] ?? ""))) {
    return new DcaError("unauthenticated", `sign-in refused: the answer from ${peer} does not check out (${said(e)}); start the sign-in again, and if it keeps failing ask an admin to check the issuer and clientId`, {
      cause: e,
      reason: "oidc-token",
    });
  }
  return new DcaError("internal", `OIDC ${stage} with ${peer} failed (${said(e)}); this is a bug in dca: please report it`, { cause: e });
}

function clientRefused(peer: string, what: string, cause: unknown): DcaError {
  return new DcaError("invalid-config", `${peer} refused the hub's client (${what}); check clientId and clientSecret, and the redirect URI registered there`, {
    cause,
    reason: "client-credentials",
  });
}
