/**
 * Where a sign-in sends the browser afterwards (`?next=`): only a path on
 * this hub. Anything that a browser could read as another host (`//evil`,
 * `/\evil`, a scheme, control characters) or that is too long becomes "/",
 * so a link cannot turn the sign-in page into a redirector.
 */

/** Longest `next` kept. */
const MAX_NEXT = 1024;

/** `raw` if it is a safe same-origin path (with its query), else "/". */
export function safeNextPath(raw: string | null | undefined): string {
  if (!raw || raw.length > MAX_NEXT) return "/";
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return "/";
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return "/";
  // Parsed against a dummy origin: a path that escapes it is not a path on this hub.
  const u = URL.canParse(raw, "https://hub.invalid") ? new URL(raw, "https://hub.invalid") : undefined;
  if (!u || u.origin !== "https://hub.invalid") return "/";
  // The sign-in pages themselves are no place to land after signing in.
  if (u.pathname === "/login" || u.pathname.startsWith("/login/") || u.pathname === "/logout") return "/";
  return `${u.pathname}${u.search}`;
}

/** The sign-in page's URL that comes back to `path` afterwards. */
export function signInUrl(path: string): string {
  const next = safeNextPath(path);
  return next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`;
}
