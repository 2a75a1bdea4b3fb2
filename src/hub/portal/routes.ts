/**
 * Every page of the portal, in one place. A page is a handler in
 * pages/<page>.tsx registered here with `page(access, handler)` (page.ts);
 * docs/portal.md says how to add one.
 */
import type { Hono } from "hono";
import { page } from "./page.ts";
import type { PortalEnv } from "./portal-context.ts";
import { getSecurity } from "./pages/security.tsx";
import { postPassword, postRecoveryCodes, postRevokeSessions, postTotpBegin, postTotpConfirm, postTotpDisable } from "./pages/security-actions.ts";
import { getSetup, postSetup } from "./pages/setup.tsx";
import { getSignIn, postSecondFactor, postSignIn, postSignOut } from "./pages/sign-in.tsx";
import { getSignInLink, postSignInLink } from "./pages/sign-in-link.tsx";
import { getSsoReturn, getSsoStart } from "./pages/sso.tsx";
import { taskEventsHandler } from "./pages/task-events.tsx";
import { registerAdminRoutes } from "./admin-routes.ts";
import { getDevice } from "./pages/device.tsx";
import { getDevices } from "./pages/devices.tsx";
import { getDevicesCsv } from "./pages/devices-csv.ts";
import { getFleetOverview } from "./pages/fleet-overview.tsx";

/** Registers the pages on the portal app. */
export function registerRoutes(app: Hono<PortalEnv>): void {
  // Signing in and out, first-run setup (anyone).
  app.get("/login", page("anyone", getSignIn));
  app.post("/login", page("anyone", postSignIn));
  app.post("/login/second-factor", page("anyone", postSecondFactor));
  app.get("/login/sso/start", page("anyone", getSsoStart));
  app.get("/login/sso", page("anyone", getSsoReturn));
  app.get("/login/link", page("anyone", getSignInLink));
  app.post("/login/link", page("anyone", postSignInLink));
  app.post("/logout", page("anyone", postSignOut));
  app.get("/setup", page("anyone", getSetup));
  app.post("/setup", page("anyone", postSetup));

  // One's own security (also for a session that may only enrol 2FA).
  app.get("/account/security", page("enrol", getSecurity));
  app.post("/account/password", page("signed-in", postPassword));
  app.post("/account/totp/begin", page("enrol", postTotpBegin));
  app.post("/account/totp/confirm", page("enrol", postTotpConfirm));
  app.post("/account/totp/disable", page("signed-in", postTotpDisable));
  app.post("/account/recovery-codes", page("signed-in", postRecoveryCodes));
  app.post("/account/sessions/revoke", page("signed-in", postRevokeSessions));

  // The fleet: overview (the start page), the devices table and its CSV, one device.
  app.get("/", page("signed-in", getFleetOverview));
  app.get("/devices", page("signed-in", getDevices));
  app.get("/devices.csv", page("signed-in", getDevicesCsv));
  app.get("/devices/:id", page("signed-in", getDevice));

  // Live task results (server-sent events).
  app.get("/tasks/:id/events", page("signed-in", taskEventsHandler()));

  // People, tokens, settings, audit, billing and alerts (wave 2).
  registerAdminRoutes(app);
}
