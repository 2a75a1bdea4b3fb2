/**
 * What a portal page knows of its request (`c.get("portal")`): the API as
 * the signed-in person (or as nobody, for the sign-in pages), who that is
 * (WhoAmI), the CSRF token for its forms, and the facts the layout shows.
 * Pages never check permissions themselves: they call AdminService through
 * `api` and render what it answers; a refusal becomes the 403 page.
 */
import type { Context, Env } from "hono";
import type { HttpBindings, Http2Bindings } from "@hono/node-server";
import type { WhoAmIResponse } from "../../gen/dca/v1/admin_people_pb.ts";
import type { AdminClient } from "../admin/admin-client.ts";

/** The per-request portal facts. */
export interface PortalContext {
  /** AdminService as this browser's session (no bearer when signed out). */
  api: AdminClient;
  /** Who is signed in (undefined: nobody, or a session the hub no longer knows). */
  me?: WhoAmIResponse;
  /** The CSRF token for this page's forms (bound to the session, or to the pre-session on sign-in forms). */
  csrf: string;
  /** The browser's address, as the hub's audit log records it. */
  address: string;
  /** The portal's own origin ("https://hub.example:8443"). */
  origin: string;
  /** The hub's version, for the footer. */
  version: string;
  /** Acts as another session from now on in this request (an enrolment-only session just upgraded): api, me and csrf follow. */
  useSession(token: string): Promise<void>;
}

/** Hono's environment of the portal app. */
export interface PortalEnv extends Env {
  Bindings: Partial<HttpBindings | Http2Bindings>;
  Variables: { portal: PortalContext };
}

/** A request of the portal app. */
export type PortalCtx = Context<PortalEnv>;

/** Who may open a page. */
export type PageAccess =
  /** Signed-in people with a full session (the default). */
  | "signed-in"
  /** Also a session limited to enrolling 2FA (the own-security page). */
  | "enrol"
  /** Anyone (sign-in, first-run setup, sign-in link). */
  | "anyone";
