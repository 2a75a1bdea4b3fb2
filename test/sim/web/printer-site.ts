/**
 * The pages of the simulated printer's embedded web server, shaped like the
 * ones HP, Brother and Kyocera ship (the content is ours): a home page, a
 * supplies page, a device page, a frameset, an iframe page, a JSON status
 * the script reads, a login form that sets a session cookie and redirects
 * to a settings page that needs it, a legacy URL that redirects relatively,
 * and a download of any size. Links come in both forms printers use: "/path"
 * and "http://<its own address>/path", which is what a reverse proxy in
 * front of a printer must cope with.
 */
import { randomBytes } from "node:crypto";
import { APP_JS, LOGO_SVG, STYLE_CSS, TONER_RGB, downloadLength, encodePng, printerPng, tonerPng } from "./site-assets.ts";

/** One request as the site sees it. */
export interface SiteRequest {
  method: string;
  /** Path and query, as on the request line. */
  target: string;
  headers: Record<string, string>;
  body: string;
  /** "scheme://host[:port]" the site writes into its absolute links and Location headers. */
  origin: string;
}

/** What the simulator sends back; `downloadLength` bytes of `downloadBytes` follow when set. */
export interface SiteResponse {
  status: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  downloadLength?: number;
}

/** The site of one simulated printer. */
export interface PrinterSite {
  handle(request: SiteRequest): SiteResponse | undefined;
  /** The "Device location" setting, changed by the settings form. */
  readonly location: string;
}

/** The administrator's login on every simulated printer. */
export const SITE_LOGIN = { user: "admin", password: "sim-admin" } as const;
/** The session cookie's name. */
export const SESSION_COOKIE = "EWSSID";
/** Pages anyone may open; each loads the style sheet, the script and at least one image. */
export const PUBLIC_PAGES = ["/", "/status", "/info", "/frames", "/embed", "/login"] as const;
/** Toner levels on the status page and in /api/status.json. */
export const SITE_SUPPLIES = [
  { color: "black", percent: 62 },
  { color: "cyan", percent: 8 },
  { color: "magenta", percent: 0 },
  { color: "yellow", percent: 100 },
] as const;
/** Total pages on the status JSON. */
export const SITE_TOTAL_PAGES = 48213;

const HTML = { "Content-Type": "text/html; charset=utf-8" };
const FAVICON = encodePng(16, 16, (x, y) => (x > 3 && x < 12 && y > 3 && y < 12 ? [245, 180, 0] : [35, 64, 122]));

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function cookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/** Creates the site; `identity` is the printer's home page title and Server header. */
export function createPrinterSite(identity: { title: string; server: string }): PrinterSite {
  const sessions = new Set<string>();
  let location = "Front office";

  const ok = (headers: Record<string, string>, body: string | Uint8Array): SiteResponse => ({ status: "200 OK", headers, body });
  const redirect = (status: string, to: string, extra: Record<string, string> = {}): SiteResponse => ({ status, headers: { Location: to, ...extra }, body: "" });

  const page = (o: string, title: string, main: string) => `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${title}</title>
<link rel="stylesheet" href="/ews/style.css"><link rel="icon" href="/favicon.ico"><script src="${o}/ews/app.js"></script></head>
<body><header><img id="logo" src="/images/logo.svg" alt="SimPrint" width="120" height="32">
<nav><a href="/">Home</a><a href="${o}/status">Supplies</a><a href="/info">Device</a><a href="${o}/frames">Frames</a><a href="/embed">Embedded</a><a href="${o}/admin/settings">Settings</a></nav></header>
<main>${main}</main></body></html>`;

  const supplyRows = (o: string) =>
    SITE_SUPPLIES.map(
      (s, i) =>
        `<tr><td><img src="${i % 2 ? o : ""}/images/toner-${s.color}.png" alt="${s.color}" width="24" height="48"></td><td>${s.color}</td>` +
        `<td><div class="bar"><span style="width:${s.percent}%;background:rgb(${TONER_RGB[s.color].join(",")})"></span></div></td><td class="level">${s.percent}%</td></tr>`,
    ).join("");

  const pages: Record<string, (r: SiteRequest) => SiteResponse> = {
    "/": (r) =>
      ok(HTML, page(r.origin, identity.title, `<h1>Status</h1><p>Ready</p><img id="printer" src="${r.origin}/images/printer.png" alt="printer" width="96" height="64">
<p>Pages printed: <span id="live-counter">…</span></p><p><a href="/download/5mb">Service log (5 MB)</a> · <a href="/legacy/status.htm">Old status page</a></p>`)),
    "/status": (r) => ok(HTML, page(r.origin, `${identity.title} – Supplies`, `<h1>Supplies</h1><table class="supplies">${supplyRows(r.origin)}</table>`)),
    "/info": (r) =>
      ok(HTML, page(r.origin, `${identity.title} – Device`, `<h1>Device</h1><dl><dt>Model</dt><dd>SimPrint 4020</dd><dt>Serial</dt><dd>SIM0A1B2C</dd><dt>Location</dt><dd id="location">${escapeHtml(location)}</dd></dl><img src="/images/printer.png" alt="printer">`)),
    "/frames": (r) =>
      ok(HTML, `<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Frameset//EN"><html><head><meta charset="utf-8"><title>${identity.title} – Frames</title></head>
<frameset cols="180,*"><frame name="menu" src="/frames/menu"><frame name="main" src="${r.origin}/frames/main"></frameset></html>`),
    "/frames/menu": (r) => ok(HTML, `<!DOCTYPE html><html><head><link rel="stylesheet" href="/ews/style.css"></head><body><img src="/images/logo.svg" alt="logo"><ul><li><a href="${r.origin}/status" target="main">Supplies</a></li><li><a href="/info" target="main">Device</a></li></ul></body></html>`),
    "/frames/main": (r) => ok(HTML, `<!DOCTYPE html><html><head><link rel="stylesheet" href="${r.origin}/ews/style.css"></head><body><h2 id="frame-main">Welcome</h2><img src="/images/printer.png" alt="printer"></body></html>`),
    "/embed": (r) =>
      ok(HTML, page(r.origin, `${identity.title} – Embedded`, `<h1>Overview</h1><iframe id="supplies-frame" src="${r.origin}/status" width="600" height="300"></iframe><iframe id="info-frame" src="/info" width="600" height="300"></iframe>`)),
    "/login": (r) => (r.method === "POST" ? login(r) : ok(HTML, loginPage(r.origin, ""))),
    "/admin/settings": (r) => settings(r),
    "/legacy/status.htm": () => redirect("302 Found", "../status"),
    "/api/status.json": () =>
      ok({ "Content-Type": "application/json", "Cache-Control": "no-store" }, JSON.stringify({ totalPages: SITE_TOTAL_PAGES, supplies: SITE_SUPPLIES })),
    "/ews/style.css": () => ok({ "Content-Type": "text/css" }, STYLE_CSS),
    "/ews/app.js": () => ok({ "Content-Type": "text/javascript" }, APP_JS),
    "/images/logo.svg": () => ok({ "Content-Type": "image/svg+xml" }, LOGO_SVG),
    "/images/printer.png": () => ok({ "Content-Type": "image/png" }, printerPng()),
    "/favicon.ico": () => ok({ "Content-Type": "image/png" }, FAVICON),
  };
  for (const [color, rgb] of Object.entries(TONER_RGB)) pages[`/images/toner-${color}.png`] = () => ok({ "Content-Type": "image/png" }, tonerPng(rgb));

  const loginPage = (o: string, error: string) =>
    page(o, `${identity.title} – Sign in`, `<h1>Sign in</h1>${error ? `<p class="error" id="login-error">${error}</p>` : ""}
<form id="login" method="post" action="/login"><label>User <input name="user" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label><button type="submit">Sign in</button></form>`);

  const login = (r: SiteRequest): SiteResponse => {
    const form = new URLSearchParams(r.body);
    if (form.get("user") !== SITE_LOGIN.user || form.get("password") !== SITE_LOGIN.password) return ok(HTML, loginPage(r.origin, "Wrong user name or password."));
    const sid = randomBytes(16).toString("hex");
    sessions.add(sid);
    // Absolute, naming the printer's own address: what a proxy in front of it must rewrite or pass.
    return redirect("302 Found", `${r.origin}/admin/settings`, { "Set-Cookie": `${SESSION_COOKIE}=${sid}; Path=/; HttpOnly` });
  };

  const settings = (r: SiteRequest): SiteResponse => {
    const sid = cookies(r.headers.cookie).get(SESSION_COOKIE);
    if (!sid || !sessions.has(sid)) return r.method === "GET" ? redirect("302 Found", "/login") : { status: "401 Unauthorized", headers: HTML, body: "sign in first" };
    if (r.method === "POST") {
      const value = new URLSearchParams(r.body).get("location");
      if (value !== null) location = value.slice(0, 100);
      return redirect("303 See Other", "/admin/settings?saved=1");
    }
    const saved = r.target.endsWith("?saved=1") ? `<p id="saved">Saved.</p>` : "";
    return ok(
      HTML,
      page(r.origin, `${identity.title} – Settings`, `<h1 id="settings">Settings</h1>${saved}<form id="settings-form" method="post" action="${r.origin}/admin/settings">
<label>Device location <input name="location" value="${escapeHtml(location)}"></label><button type="submit">Apply</button></form>`),
    );
  };

  return {
    handle(request) {
      const path = request.target.split("?")[0];
      const download = /^\/download\/([^/]+)$/.exec(path);
      if (download) {
        const length = downloadLength(download[1]);
        if (length === undefined) return undefined;
        return { status: "200 OK", headers: { "Content-Type": "application/octet-stream", "Content-Disposition": `attachment; filename="service-${download[1]}.bin"` }, downloadLength: length };
      }
      return pages[path]?.(request);
    },
    get location() {
      return location;
    },
  };
}
