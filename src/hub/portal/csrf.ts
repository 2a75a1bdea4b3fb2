/**
 * Cross-site request forgery, refused twice over for every request that
 * changes something (anything but GET and HEAD):
 * - its Origin (or, without one, its Referer) must be the portal's own
 *   origin, and a browser saying `Sec-Fetch-Site: cross-site` is refused;
 * - it must carry a token, in the form's hidden `_csrf` field or the
 *   `x-csrf-token` header (htmx sends it, portal.js reads it from a meta
 *   tag), that is HMAC(key, binding): the binding is the session's id once
 *   signed in, or the pre-session cookie's value on the sign-in forms.
 * The key is random per hub process: a restart only means reloading a form.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** The form field and header that carry the token. */
export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "x-csrf-token";

/** Makes and checks tokens bound to a session or a pre-session. */
export interface Csrf {
  /** The token for `binding` ("session:<id>" or "pre:<cookie value>"). */
  token(binding: string): string;
  /** Whether `given` is the token of `binding` (constant time). */
  check(binding: string, given: string | undefined): boolean;
}

/** A CSRF token maker with a key of its own (or `key`, for tests). */
export function createCsrf(key: Uint8Array = randomBytes(32)): Csrf {
  const token = (binding: string) => createHmac("sha256", key).update(binding, "utf8").digest("base64url");
  return {
    token,
    check(binding, given) {
      if (!given || given.length > 100) return false;
      const want = Buffer.from(token(binding));
      const got = Buffer.from(given);
      return want.length === got.length && timingSafeEqual(want, got);
    },
  };
}

/** The request facts the origin check reads. */
export interface OriginFacts {
  origin?: string | null;
  referer?: string | null;
  secFetchSite?: string | null;
}

/** Why a changing request is not from the portal's own pages (`expected` is its origin), or undefined when it is. */
export function foreignOrigin(facts: OriginFacts, expected: string): string | undefined {
  if (facts.secFetchSite === "cross-site") return "the browser says this request comes from another site";
  const origin = facts.origin && facts.origin !== "null" ? facts.origin : facts.referer && URL.canParse(facts.referer) ? new URL(facts.referer).origin : undefined;
  if (!origin) return "the request says neither where it comes from (Origin) nor which page sent it (Referer)";
  if (origin !== expected) return `the request comes from ${origin.slice(0, 200)}, not from this hub's pages`;
  return undefined;
}
