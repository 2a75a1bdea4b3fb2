/**
 * Who may use a session's host: the first visit carries the key (the URL
 * `web-access open` printed) and turns it into a cookie, then every request
 * needs that cookie. The cookie is `__Host-` prefixed: Secure, Path=/, no
 * Domain, so the browser sends it to this session's host only, never to
 * another session (each has its own host name) nor to the hub's API.
 */
import { hashSecret, sameHash } from "../store/ids.ts";
import type { WebAccessSession, WebAccessStore } from "../store/index.ts";

/** The session cookie's name. */
export const SESSION_COOKIE = "__Host-dca-wa";

/** What to do with a request. */
export type GateVerdict =
  | { kind: "pass"; session: WebAccessSession }
  /** The key was right: set the cookie and send the browser to the same URL without the key. */
  | { kind: "enter"; session: WebAccessSession; setCookie: string; location: string }
  | { kind: "refuse"; why: string; session?: WebAccessSession };

/** The value of one cookie in a Cookie header (HTTP/2 may send several headers, joined). */
export function cookieValue(header: string | string[] | undefined, name: string): string | undefined {
  const all = Array.isArray(header) ? header.join("; ") : (header ?? "");
  for (const part of all.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** The Cookie header without ours (the printer never sees the session's secret). */
export function withoutSessionCookie(header: string | string[] | undefined): string | undefined {
  const all = Array.isArray(header) ? header.join("; ") : (header ?? "");
  const kept = all
    .split(";")
    .map((p) => p.trim())
    .filter((p) => p && !p.startsWith(`${SESSION_COOKIE}=`));
  return kept.length ? kept.join("; ") : undefined;
}

/** Why a session no longer admits anyone, or undefined while it is open. */
export function closedBecause(s: WebAccessSession, now: number): string | undefined {
  if (s.endedAt) return `This session ended at ${s.endedAt.toISOString()}: ${s.endReason}.`;
  if (s.expiresAt.getTime() <= now) return `This session expired at ${s.expiresAt.toISOString()}.`;
  return undefined;
}

/** Decides on one request to `label`'s host. `url` is the request path with its query. */
export function checkGate(store: Pick<WebAccessStore, "getWebAccessSession" | "webAccessSessionBySecret" | "webAccessSecretHash">, label: string, url: string, cookieHeader: string | string[] | undefined, now: number): GateVerdict {
  const session = store.getWebAccessSession(label);
  if (!session || session.label !== label) return { kind: "refuse", why: "There is no Device Web Access session at this address." };
  const secretHash = store.webAccessSecretHash(session.id)!;
  const parsed = new URL(url, "https://session.invalid");
  const key = parsed.searchParams.get("key");
  const closed = closedBecause(session, now);
  if (key !== null) {
    if (!sameHash(hashSecret(key), secretHash)) return { kind: "refuse", why: "This key does not open this session; use the whole URL that \"dca-hub web-access open\" printed.", session };
    if (closed) return { kind: "refuse", why: closed, session };
    parsed.searchParams.delete("key");
    const maxAge = Math.max(1, Math.floor((session.expiresAt.getTime() - now) / 1000));
    return {
      kind: "enter",
      session,
      setCookie: `${SESSION_COOKIE}=${key}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${maxAge}`,
      location: `${parsed.pathname}${parsed.search}`,
    };
  }
  const cookie = cookieValue(cookieHeader, SESSION_COOKIE);
  if (cookie === undefined) return { kind: "refuse", why: "This page needs the session's key: open the whole URL that \"dca-hub web-access open\" printed (it carries the key once, then a cookie does).", session };
  const hash = hashSecret(cookie);
  if (!sameHash(hash, secretHash)) {
    const other = store.webAccessSessionBySecret(hash);
    return { kind: "refuse", why: other ? `This cookie belongs to another Device Web Access session (${other.id}), not to this one.` : "This session cookie is not valid here; open the session's URL again.", session };
  }
  if (closed) return { kind: "refuse", why: closed, session };
  return { kind: "pass", session };
}
