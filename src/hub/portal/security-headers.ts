/**
 * The headers on every answer of the portal: a Content-Security-Policy that
 * allows scripts, styles and connections to this origin only (no inline
 * script or style anywhere: chart data travels in
 * `<script type="application/json">`, which is not run), no framing, no
 * MIME sniffing, the Referer only to ourselves, and no caching of pages
 * (assets set their own long cache: their names change with their content).
 */

/** The Content-Security-Policy of every portal answer. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

/** The headers every answer gets, assets included. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

/** Adds the security headers, and no-store unless the answer already chose its caching. */
export function applySecurityHeaders(headers: Headers): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) headers.set(k, v);
  if (!headers.has("cache-control")) headers.set("cache-control", "no-store");
}
