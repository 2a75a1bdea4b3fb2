/**
 * The portal as a Hono app: security headers on every answer, embedded
 * assets, the per-request PortalContext (the API as the cookie's session,
 * WhoAmI, the CSRF token), the CSRF and origin checks of every request that
 * changes something, bounded form bodies, the pages of routes.ts, and the
 * error pages. start-hub.ts mounts it for the hub's own host (portal.ts).
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { VERSION } from "../../common/version.ts";
import { DcaError } from "../../common/errors.ts";
import { assetResponse } from "./assets.ts";
import { clearSessionCookie, preSession, sentPreSession, sessionCookie } from "./cookies.ts";
import { CSRF_FIELD, CSRF_HEADER, type Csrf, createCsrf, foreignOrigin } from "./csrf.ts";
import { errorResponse, notFound, ErrorPage } from "./error-pages.tsx";
import type { AdminClientFor } from "./in-process-admin.ts";
import type { PortalContext, PortalEnv } from "./portal-context.ts";
import { registerRoutes } from "./routes.ts";
import { applySecurityHeaders } from "./security-headers.ts";
import { jsx } from "hono/jsx";

/** Largest request body (a form); larger ones get 413 before they are read. */
export const PORTAL_BODY_MAX_BYTES = 64 * 1024;

export interface PortalAppOptions {
  /** AdminService clients over the hub's own guarded service (in-process-admin.ts). */
  adminFor: AdminClientFor;
  /** The hub's public URL; its origin is the one forms must come from. Default: the origin each request came to. */
  publicUrl?: string;
  /** The CSRF key (tests give their own). */
  csrf?: Csrf;
  version?: string;
  log?: (line: string) => void;
  /** Told of each request with a valid session (the connection guard keeps such connections open). */
  onSignedIn?: (env: PortalEnv["Bindings"]) => void;
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The portal app. */
export function createPortalApp(opts: PortalAppOptions): Hono<PortalEnv> {
  const log = opts.log ?? (() => {});
  const csrf = opts.csrf ?? createCsrf();
  const fixedOrigin = opts.publicUrl ? new URL(opts.publicUrl).origin : undefined;
  const app = new Hono<PortalEnv>();

  app.use("*", async (c, next) => {
    await next();
    applySecurityHeaders(c.res.headers);
  });

  app.get("/assets/:file", (c) => assetResponse(new URL(c.req.url).pathname) ?? c.text("no such asset\n", 404));

  // Before anything reads a body: a larger one is refused as it arrives.
  app.use(
    "*",
    bodyLimit({ maxSize: PORTAL_BODY_MAX_BYTES, onError: (c) => c.text("the form sent more than the hub takes (64 KiB)\n", 413) }),
  );

  app.use("*", async (c, next) => {
    const url = new URL(c.req.url);
    const address = c.env?.incoming?.socket?.remoteAddress ?? "unknown";
    const origin = fixedOrigin ?? url.origin;
    const token = sessionCookie(c);
    const api = opts.adminFor(token, address, url.origin);
    let me: PortalContext["me"];
    if (token) {
      me = await api.whoAmI({}).catch((e: unknown) => {
        if (DcaError.from(e).code !== "unauthenticated") throw e;
        return undefined;
      });
      if (me) opts.onSignedIn?.(c.env);
      else clearSessionCookie(c);
    }
    const sessionBinding = me ? `session:${me.credentialId}` : undefined;
    const portal: PortalContext = {
      api,
      me,
      address,
      origin,
      version: opts.version ?? VERSION,
      csrf: "",
      async useSession(next) {
        portal.api = opts.adminFor(next, address, url.origin);
        portal.me = await portal.api.whoAmI({});
        portal.csrf = csrf.token(`session:${portal.me.credentialId}`);
      },
    };
    c.set("portal", portal);
    if (UNSAFE.has(c.req.method)) {
      const refusal = foreignOrigin({ origin: c.req.header("origin"), referer: c.req.header("referer"), secFetchSite: c.req.header("sec-fetch-site") }, origin);
      const given = c.req.header(CSRF_HEADER) ?? (await formField(c.req.raw.headers.get("content-type"), () => c.req.parseBody(), CSRF_FIELD));
      const pre = sentPreSession(c);
      // Signed in, only the session's token counts; before that, the pre-session's.
      const tokenOk = sessionBinding !== undefined ? csrf.check(sessionBinding, given) : pre !== undefined && csrf.check(`pre:${pre}`, given);
      if (refusal || !tokenOk) {
        portal.csrf = sessionBinding ? csrf.token(sessionBinding) : csrf.token(`pre:${preSession(c)}`);
        const why = refusal ?? "the form's security token is missing or out of date";
        return c.html(jsx(ErrorPage, { portal, status: 403, message: `Refused: ${why}. Reload the page and try again.` }).toString(), 403);
      }
    }
    portal.csrf = sessionBinding ? csrf.token(sessionBinding) : csrf.token(`pre:${preSession(c)}`);
    await next();
  });

  registerRoutes(app);
  app.notFound((c) => notFound(c));
  app.onError((e, c) => errorResponse(c, e, log));
  return app;
}

/** A form's field, when the body is a form (parsed once: Hono keeps the parsed body for the page). */
async function formField(contentType: string | null, parse: () => Promise<Record<string, unknown>>, name: string): Promise<string | undefined> {
  if (!contentType || !/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(contentType)) return undefined;
  const v = (await parse())[name];
  return typeof v === "string" ? v : undefined;
}
