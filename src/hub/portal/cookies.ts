/**
 * The portal's cookies. `__Host-` names: the browser keeps them only when
 * Secure, with Path=/ and no Domain, so they never reach the web-access
 * sub-domains of the hub and no sub-domain can set them. All are HttpOnly.
 * - the session: the session token itself, SameSite=Strict, until the
 *   session's absolute end;
 * - the pre-session: a random value the sign-in forms' CSRF token is bound
 *   to before anyone is signed in (Strict, 1 hour);
 * - single sign-on: the PKCE verifier, the state and where to go next while
 *   the browser is at the identity provider; SameSite=Lax, because the way
 *   back is a cross-site redirect that a Strict cookie would not ride (10 minutes).
 */
import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

export const SESSION_COOKIE = "__Host-dca_session";
export const PRE_SESSION_COOKIE = "__Host-dca_pre";
export const SSO_COOKIE = "__Host-dca_sso";

const BASE = { secure: true, httpOnly: true, path: "/" } as const;
const TOKEN = /^dcas_[A-Za-z0-9_-]{10,100}$/;
const PRE = /^[A-Za-z0-9_-]{43}$/;

/** The session token the browser holds, if it looks like one. */
export function sessionCookie(c: Context): string | undefined {
  const v = getCookie(c, SESSION_COOKIE);
  return v && TOKEN.test(v) ? v : undefined;
}

/** Keeps a new session's token in the browser until `expiresAt`. */
export function setSessionCookie(c: Context, token: string, expiresAt: Date | undefined): void {
  setCookie(c, SESSION_COOKIE, token, { ...BASE, sameSite: "Strict", ...(expiresAt && { expires: expiresAt }) });
}

/** Forgets the session (signed out, or the hub no longer knows it). */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { ...BASE, sameSite: "Strict" });
}

/** The pre-session value, made and set now if the browser has none. */
export function preSession(c: Context): string {
  const held = getCookie(c, PRE_SESSION_COOKIE);
  if (held && PRE.test(held)) return held;
  const made = randomBytes(32).toString("base64url");
  setCookie(c, PRE_SESSION_COOKIE, made, { ...BASE, sameSite: "Strict", maxAge: 3600 });
  return made;
}

/** The pre-session value the browser sent (undefined: none, so no sign-in form of ours was loaded). */
export function sentPreSession(c: Context): string | undefined {
  const held = getCookie(c, PRE_SESSION_COOKIE);
  return held && PRE.test(held) ? held : undefined;
}

/** What single sign-on keeps while the browser is at the provider. */
export interface SsoCookie {
  state: string;
  verifier: string;
  next: string;
}

export function setSsoCookie(c: Context, v: SsoCookie): void {
  setCookie(c, SSO_COOKIE, JSON.stringify(v), { ...BASE, sameSite: "Lax", maxAge: 600 });
}

/** The single sign-on cookie, taken (cleared) at once. */
export function takeSsoCookie(c: Context): SsoCookie | undefined {
  const raw = getCookie(c, SSO_COOKIE);
  if (!raw) return undefined;
  deleteCookie(c, SSO_COOKIE, { ...BASE, sameSite: "Lax" });
  try {
    const v = JSON.parse(raw) as Partial<SsoCookie>;
    return typeof v.state === "string" && typeof v.verifier === "string" && typeof v.next === "string" ? (v as SsoCookie) : undefined;
  } catch {
    return undefined;
  }
}
