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
import { getAgentPage, postAgentDisabled } from "./pages/agent.tsx";
import { getSitePage } from "./pages/site.tsx";
import { postCode, postCredential, postRemoveCredential, postSchedule, postSnmp, postTargets, postWebAccessSettings } from "./pages/site-actions.ts";
import { getSites, postSite } from "./pages/sites.tsx";
import { getTaskPage, postCancelTask } from "./pages/task.tsx";
import { renderTaskLive } from "./pages/task-live.tsx";
import { getTasks, postTask } from "./pages/tasks.tsx";
import { postCloseWebAccess, postOpenWebAccess } from "./pages/web-access.tsx";

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


  // People, tokens, settings, audit, billing and alerts (wave 2).
  registerAdminRoutes(app);
  // Live task results (server-sent events), rendered as the task page shows them.
  app.get("/tasks/:id/events", page("signed-in", taskEventsHandler(renderTaskLive)));

  // Sites, agents, tasks and web access (wave 2).
  app.get("/sites", page("signed-in", getSites));
  app.post("/sites", page("signed-in", postSite));
  app.get("/sites/:id", page("signed-in", getSitePage));
  app.post("/sites/:id/targets", page("signed-in", postTargets));
  app.post("/sites/:id/credentials", page("signed-in", postCredential));
  app.post("/sites/:id/credentials/remove", page("signed-in", postRemoveCredential));
  app.post("/sites/:id/schedule", page("signed-in", postSchedule));
  app.post("/sites/:id/snmp", page("signed-in", postSnmp));
  app.post("/sites/:id/codes", page("signed-in", postCode));
  app.post("/sites/:id/web-access", page("signed-in", postWebAccessSettings));
  app.get("/agents/:id", page("signed-in", getAgentPage));
  app.post("/agents/:id/disabled", page("signed-in", postAgentDisabled));
  app.get("/tasks", page("signed-in", getTasks));
  app.post("/tasks", page("signed-in", postTask));
  app.get("/tasks/:id", page("signed-in", getTaskPage));
  app.post("/tasks/:id/cancel", page("signed-in", postCancelTask));
  app.post("/web-access/open", page("signed-in", postOpenWebAccess));
  app.post("/web-access/close", page("signed-in", postCloseWebAccess));
}
