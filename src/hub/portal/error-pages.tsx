/** @jsxImportSource hono/jsx */
/**
 * What the portal answers when something goes wrong: the refusal as the
 * RPC worded it (403 for permission-denied, and the other codes a person
 * can act on), a redirect to the sign-in page for a session that is over,
 * 404 for an unknown page, and 500 with no detail at all (the hub's log
 * has it; a page never shows a stack).
 */
import { DcaError, type ErrorCode } from "../../common/errors.ts";
import { VERSION } from "../../common/version.ts";
import { clearSessionCookie } from "./cookies.ts";
import { Layout } from "./layout.tsx";
import { signInUrl } from "./next-path.ts";
import type { PortalContext, PortalCtx } from "./portal-context.ts";

/** The HTTP status a refusal of `code` is answered with. */
export function statusOf(code: ErrorCode): 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 503 | 504 {
  switch (code) {
    case "permission-denied":
      return 403;
    case "unauthenticated":
      return 401;
    case "not-found":
      return 404;
    case "resource-exhausted":
      return 429;
    case "usage":
    case "invalid-argument":
    case "malformed":
    case "invalid-config":
      return 400;
    case "already-exists":
    case "failed-precondition":
    case "locked":
      return 409;
    case "unavailable":
      return 503;
    case "deadline-exceeded":
      return 504;
    default:
      return 500;
  }
}

const TITLES: Record<number, string> = {
  400: "That did not work",
  401: "Sign in first",
  403: "Not allowed",
  404: "Page not found",
  409: "Not possible now",
  413: "Too much at once",
  429: "Too many attempts",
  500: "Something went wrong",
  503: "Not available now",
  504: "No answer in time",
};

/** A page saying what went wrong. */
export function ErrorPage(p: { portal: PortalContext; status: number; message: string }) {
  return (
    <Layout portal={p.portal} title={TITLES[p.status] ?? "Error"}>
      <h1>{TITLES[p.status] ?? "Error"}</h1>
      <div class="notice error" role="alert">
        {p.message}
      </div>
      <p>
        <a href="/">Back to the start page</a>
      </p>
    </Layout>
  );
}

/** The request's PortalContext, or a bare one when the failure came before it was made (no forms, no API). */
function portalOf(c: PortalCtx): PortalContext {
  const held = c.get("portal") as PortalContext | undefined;
  if (held) return held;
  const refuse = () => Promise.reject(new DcaError("unavailable", "no API for this request"));
  return { api: new Proxy({}, { get: () => refuse }) as PortalContext["api"], address: "unknown", origin: "", version: VERSION, csrf: "", useSession: refuse };
}

/** The answer for an error a page threw. */
export async function errorResponse(c: PortalCtx, e: unknown, log: (line: string) => void): Promise<Response> {
  const err = DcaError.from(e);
  const status = statusOf(err.code);
  if (status === 401) {
    clearSessionCookie(c);
    return c.redirect(signInUrl(new URL(c.req.url).pathname + new URL(c.req.url).search), 303);
  }
  if (status === 500) log(`portal: ${c.req.method} ${new URL(c.req.url).pathname} failed: ${err.message}`);
  const message = status === 500 ? "The hub could not answer this page; its log says why. Try again, or tell the hub's admin." : err.message;
  return c.html(<ErrorPage portal={portalOf(c)} status={status} message={message} />, status);
}

/** The 404 page. */
export function notFound(c: PortalCtx): Response | Promise<Response> {
  return c.html(<ErrorPage portal={portalOf(c)} status={404} message="There is no page at this address. Check the link, or start from the home page." />, 404);
}
