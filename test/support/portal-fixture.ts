/**
 * The portal app in-process for its unit tests: the real store, handlers,
 * door rules and audit log (the admin harness), the portal over them as a
 * Hono app, and a tiny browser: a cookie jar, the page's CSRF token picked
 * from its forms, and forms posted from the portal's own origin.
 */
import { createAdminHandlers, guardAdminService, storeAdminAuth, storeAudit } from "../../src/hub/adminapi/index.ts";
import { type AdminClientFor, createInProcessAdmin } from "../../src/hub/portal/in-process-admin.ts";
import { createPortalApp } from "../../src/hub/portal/portal-app.ts";
import { type AdminHarness, adminHarness } from "./admin-harness.ts";

/** The origin the tiny browser's requests go to. */
export const PORTAL_ORIGIN = "https://hub.test:8443";

export interface PortalBrowser {
  h: AdminHarness;
  /** Clients of the very service the portal calls (its task events included). */
  adminFor: AdminClientFor;
  /** Cookies held, by name. */
  jar: Map<string, string>;
  /** Set-Cookie lines of the last answer. */
  lastSetCookies: string[];
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** Posts a form from the portal's origin; `_csrf` is the last page's token unless given. */
  post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
  /** The CSRF token of the last page read with `text`. */
  csrf: string;
  /** The body of an answer (and its CSRF token kept for the next post). */
  text(r: Response): Promise<string>;
}

/** A portal over a fresh harness (or `harness`, e.g. one with a fleet in it); `wrap` may change the clients it makes (to inject failures). */
export function portalBrowser(opts: { wrap?: (f: AdminClientFor) => AdminClientFor; harness?: AdminHarness } = {}): PortalBrowser {
  const h = opts.harness ?? adminHarness();
  const handlers = createAdminHandlers({ store: h.store, dataDir: h.dataDir, clock: { now: () => h.clock.now(), monotonic: () => h.clock.now() } });
  const guarded = guardAdminService({ service: handlers, auth: storeAdminAuth(h.store), audit: storeAudit(h.store) });
  const adminFor = createInProcessAdmin(guarded);
  const app = createPortalApp({ adminFor: opts.wrap ? opts.wrap(adminFor) : adminFor, version: "9.9.9-test" });
  const jar = new Map<string, string>();
  const b: PortalBrowser = {
    h,
    adminFor,
    jar,
    lastSetCookies: [],
    csrf: "",
    async get(path, headers = {}) {
      return send(path, { method: "GET", headers });
    },
    async post(path, form, headers = {}) {
      const body = new URLSearchParams({ _csrf: b.csrf, ...form }).toString();
      return send(path, { method: "POST", body, headers: { origin: PORTAL_ORIGIN, "content-type": "application/x-www-form-urlencoded", ...headers } });
    },
    async text(r) {
      const t = await r.text();
      const m = /name="_csrf" value="([^"]+)"/.exec(t);
      if (m) b.csrf = m[1]!;
      return t;
    },
  };
  async function send(path: string, init: { method: string; body?: string; headers: Record<string, string> }): Promise<Response> {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const r = await app.request(`${PORTAL_ORIGIN}${path}`, { ...init, headers: { ...(cookie && { cookie }), ...init.headers } });
    b.lastSetCookies = r.headers.getSetCookie();
    for (const line of b.lastSetCookies) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === "" || /max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return r;
  }
  return b;
}
