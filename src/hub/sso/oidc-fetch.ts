/**
 * The only way the hub's OIDC client reaches the issuer (discovery, token,
 * JWKS, userinfo): Bun's fetch with the issuer's CA trusted when the config
 * names one, every request bounded in time, every answer bounded in size,
 * and plain http refused except to this machine. An issuer that is slow or
 * answers with a flood stalls one sign-in, never the hub.
 */
import type { CustomFetch } from "openid-client";
import { DcaError } from "../../common/errors.ts";
import { isLoopbackUrl } from "./sso-config.ts";

/** Bound on each request to the issuer. */
export const OIDC_TIMEOUT_MS = 10_000;
/** Bound on each answer's body: discovery, a JWKS, tokens and userinfo are a few KiB. */
export const OIDC_MAX_BODY = 1 << 20;

/** A fetch for openid-client's `customFetch`. */
export type OidcFetch = CustomFetch;

/** Reads at most `max` bytes of a body; throws resource-exhausted past it. */
async function boundedBody(response: Response, max: number, url: string): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new DcaError("resource-exhausted", `the OIDC issuer's answer from ${new URL(url).origin}${new URL(url).pathname} is over ${max} bytes; check the issuer URL`);
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) out.set(p, at), (at += p.byteLength);
  return out;
}

/**
 * A fetch that trusts `ca` (PEM; the system's CAs when undefined) and
 * enforces OIDC_TIMEOUT_MS and OIDC_MAX_BODY (both overridable for tests).
 */
export function createOidcFetch(ca: string | undefined, bounds: { timeoutMs?: number; maxBody?: number } = {}): OidcFetch {
  const timeoutMs = bounds.timeoutMs ?? OIDC_TIMEOUT_MS;
  const maxBody = bounds.maxBody ?? OIDC_MAX_BODY;
  return async (url, init) => {
    const target = new URL(url);
    if (target.protocol !== "https:" && !(target.protocol === "http:" && isLoopbackUrl(target))) {
      throw new DcaError("invalid-config", `the OIDC issuer sent the hub to ${target.origin}, which is not https; only https (or http on this machine) is used`);
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const response = await fetch(url, {
      method: init.method,
      headers: init.headers,
      body: init.body as never,
      redirect: "manual",
      signal,
      tls: ca === undefined ? undefined : { ca },
    });
    const body = await boundedBody(response, maxBody, url);
    // A new Response with the body already read: the size bound holds whatever openid-client reads next.
    return new Response(response.status === 204 || response.status === 304 ? null : body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
