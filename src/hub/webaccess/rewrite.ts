/**
 * What the proxy changes between the browser and the printer. Each session
 * has its own host name, so the printer's relative links, root-relative
 * paths, frames and cookies work unchanged; only what names the printer's own
 * address is rewritten to the session's origin: Location headers, the Domain
 * of Set-Cookie, and absolute URLs in HTML, CSS, JavaScript, JSON and XML
 * bodies (printer pages often build links as "http://<its IP>/..."). The
 * browser's Origin and Referer go the other way, since printers check them
 * against their own address before they accept a form.
 */

/** The printer as the session reaches it. */
export interface PrinterOrigin {
  address: string;
  port: number;
  tls: boolean;
}

/** Bodies of these types are rewritten (text, small enough to hold). */
const REWRITTEN = /^(text\/(html|css|javascript|xml)|application\/(javascript|x-javascript|ecmascript|json|xml|xhtml\+xml))\b/i;
/** Larger bodies pass unchanged (a firmware file, a scan, a log). */
export const MAX_REWRITE_BYTES = 4 * 1024 * 1024;

/** The printer's address as it appears in a URL ("[fe80::1]" for IPv6). */
const hostForm = (address: string) => (address.includes(":") ? `[${address}]` : address);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The Host header the printer expects. */
export function printerHost(p: PrinterOrigin): string {
  const dflt = p.tls ? 443 : 80;
  return `${hostForm(p.address)}${p.port === dflt ? "" : `:${p.port}`}`;
}

/** The printer's own origin ("http://10.0.0.7"). */
export function printerOrigin(p: PrinterOrigin): string {
  return `${p.tls ? "https" : "http"}://${printerHost(p)}`;
}

/**
 * Matches absolute (and protocol-relative) URLs naming the printer on the session's port
 * (or the scheme's default port for it): "http://10.0.0.7", "https://10.0.0.7:443",
 * "//10.0.0.7:80". Other ports of the printer are another service, left alone.
 */
function printerUrlPattern(p: PrinterOrigin): RegExp {
  const host = escapeRe(hostForm(p.address));
  const scheme = p.tls ? "https:" : "http:";
  const port = p.port === (p.tls ? 443 : 80) ? `(?::${p.port})?` : `:${p.port}`;
  return new RegExp(`(?:${scheme})?//${host}${port}(?![\\w:.-])`, "gi");
}

/** A Location value: the printer's own absolute URL becomes the session's; anything else is kept. */
export function rewriteLocation(value: string, p: PrinterOrigin, sessionOrigin: string): string {
  const m = printerUrlPattern(p);
  const found = m.exec(value);
  return found && found.index === 0 ? sessionOrigin + value.slice(found[0].length) : value;
}

/** A Set-Cookie value: its Domain (the printer's address) removed, so the cookie belongs to the session's host. */
export function rewriteSetCookie(value: string): string {
  return value
    .split(";")
    .filter((part, i) => i === 0 || !/^\s*domain\s*=/i.test(part))
    .join(";");
}

/** Whether a response body of this Content-Type is rewritten. */
export function isRewritable(contentType: string | undefined): boolean {
  return contentType !== undefined && REWRITTEN.test(contentType.trim());
}

/** A body with the printer's own absolute URLs pointing at the session (bytes kept as they are, latin1). */
export function rewriteBody(body: Buffer, p: PrinterOrigin, sessionOrigin: string): Buffer {
  const text = body.toString("latin1");
  const out = text.replace(printerUrlPattern(p), (url) => (url.startsWith("//") ? sessionOrigin.replace(/^https:/, "") : sessionOrigin));
  return out === text ? body : Buffer.from(out, "latin1");
}

/** Origin and Referer from the browser, pointed back at the printer (its CSRF checks compare them with its own address). */
export function rewriteToPrinter(value: string, p: PrinterOrigin, sessionOrigin: string): string {
  return value.startsWith(sessionOrigin) ? printerOrigin(p) + value.slice(sessionOrigin.length) : value;
}
