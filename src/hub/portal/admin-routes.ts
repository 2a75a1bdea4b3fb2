/**
 * The pages of people, API tokens, hub settings, the audit log, billing and
 * alerts (issue 15, wave 2), registered by routes.ts. Each page acts through
 * AdminService as the signed-in person; what they may not do, the RPC refuses.
 */
import type { Hono } from "hono";
import { page } from "./page.ts";
import type { PortalEnv } from "./portal-context.ts";
import { getUser } from "./pages/user.tsx";
import { postDisableUser, postEnableUser, postGrantRole, postResetUserPassword, postResetUserTotp, postRevokeRole, postRevokeUserSessions, postUnlockUser } from "./pages/user-actions.ts";
import { postCreateRule, postDeleteChannel, postDeleteRule, postSmtpChannel, postTestChannel, postWebhookChannel } from "./pages/alert-actions.ts";
import { getAlerts } from "./pages/alerts.tsx";
import { getAudit } from "./pages/audit.tsx";
import { getAuditExport, postAuditVerify } from "./pages/audit-export.ts";
import { getBilling } from "./pages/billing.tsx";
import { getBillingCsv, getBillingJson } from "./pages/billing-export.ts";
import { getSettings } from "./pages/settings.tsx";
import { postLdap, postMapping, postMappingRemove, postOidc, postSecuritySettings } from "./pages/settings-actions.ts";
import { getTokens, postCreateToken, postRevokeToken } from "./pages/tokens.tsx";
import { getUsers, postCreateGroup, postCreateUser, postGroupMember } from "./pages/users.tsx";

/** Registers the admin pages on the portal app. */
export function registerAdminRoutes(app: Hono<PortalEnv>): void {
  app.get("/users", page("signed-in", getUsers));
  app.post("/users", page("signed-in", postCreateUser));
  app.post("/users/groups", page("signed-in", postCreateGroup));
  app.post("/users/groups/member", page("signed-in", postGroupMember));
  app.get("/users/:id", page("signed-in", getUser));
  app.post("/users/:id/disable", page("signed-in", postDisableUser));
  app.post("/users/:id/enable", page("signed-in", postEnableUser));
  app.post("/users/:id/unlock", page("signed-in", postUnlockUser));
  app.post("/users/:id/reset-totp", page("signed-in", postResetUserTotp));
  app.post("/users/:id/revoke-sessions", page("signed-in", postRevokeUserSessions));
  app.post("/users/:id/reset-password", page("signed-in", postResetUserPassword));
  app.post("/users/:id/grant-role", page("signed-in", postGrantRole));
  app.post("/users/:id/revoke-role", page("signed-in", postRevokeRole));

  app.get("/account/tokens", page("signed-in", getTokens));
  app.post("/account/tokens", page("signed-in", postCreateToken));
  app.post("/account/tokens/revoke", page("signed-in", postRevokeToken));
  app.get("/settings", page("signed-in", getSettings));
  app.post("/settings/security", page("signed-in", postSecuritySettings));
  app.post("/settings/oidc", page("signed-in", postOidc));
  app.post("/settings/ldap", page("signed-in", postLdap));
  app.post("/settings/mapping", page("signed-in", postMapping));
  app.post("/settings/mapping/remove", page("signed-in", postMappingRemove));

  app.get("/audit", page("signed-in", getAudit));
  app.get("/audit/export.jsonl", page("signed-in", getAuditExport));
  app.post("/audit/verify", page("signed-in", postAuditVerify));
  app.get("/billing", page("signed-in", getBilling));
  app.get("/billing/export.csv", page("signed-in", getBillingCsv));
  app.get("/billing/export.json", page("signed-in", getBillingJson));

  app.get("/alerts", page("signed-in", getAlerts));
  app.post("/alerts/rules", page("signed-in", postCreateRule));
  app.post("/alerts/rules/delete", page("signed-in", postDeleteRule));
  app.post("/alerts/channels/webhook", page("signed-in", postWebhookChannel));
  app.post("/alerts/channels/smtp", page("signed-in", postSmtpChannel));
  app.post("/alerts/channels/test", page("signed-in", postTestChannel));
  app.post("/alerts/channels/delete", page("signed-in", postDeleteChannel));
}
