/**
 * How a page is registered: `page(access, handler)` turns a handler that
 * returns JSX (or a Response) into a Hono handler that first sends people
 * who may not see it where they belong: to the sign-in page (with ?next=
 * back here) when nobody is signed in, and to the own-security page when
 * the session may only enrol a second factor. Anything the handler throws
 * (an RPC's refusal) becomes the error page (portal-app.ts).
 */
import type { Handler } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import { signInUrl } from "./next-path.ts";
import type { PageAccess, PortalCtx, PortalEnv } from "./portal-context.ts";

/** What a page handler returns: a page to render, or its own answer (a redirect, a stream). */
export type PageResult = JSX.Element | Response;

/** Where a session limited to enrolling 2FA is sent. */
export const ENROL_PATH = "/account/security";

/** A page handler behind its access rule. */
export function page(access: PageAccess, handler: (c: PortalCtx) => PageResult | Promise<PageResult>): Handler<PortalEnv> {
  return async (c) => {
    const { me } = c.get("portal");
    if (access !== "anyone") {
      const url = new URL(c.req.url);
      if (!me) return c.redirect(signInUrl(url.pathname + url.search), 303);
      if (me.enrolOnly && access !== "enrol") return c.redirect(ENROL_PATH, 303);
    }
    const out = await handler(c);
    return out instanceof Response ? out : c.html(out);
  };
}

/** A form field as text ("" when absent or a file), bounded. */
export async function field(c: PortalCtx, name: string, max = 4096): Promise<string> {
  const v = (await c.req.parseBody())[name];
  return typeof v === "string" ? v.slice(0, max) : "";
}

/** The client string sessions opened by the portal carry (shown in session lists). */
export function portalClient(c: PortalCtx): string {
  const ua = (c.req.header("user-agent") ?? "a browser").replace(/[^\x20-\x7e]/g, "").slice(0, 150);
  return `portal: ${ua}`;
}
