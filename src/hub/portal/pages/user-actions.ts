/**
 * The forms of one person's page (user.tsx): each calls its RPC as the
 * signed-in admin and shows the page again with what happened, or with the
 * refusal as the RPC words it (run-change.ts).
 */
import { plural } from "../../../common/text.ts";
import { grantOf, grantWhere } from "../../admin/people-from-proto.ts";
import type { PortalCtx } from "../portal-context.ts";
import { type FormStatus, type Shown, fields, runChange } from "./run-change.ts";
import { renderUser } from "./user.tsx";

const render = (c: PortalCtx) => (shown: Shown, status?: FormStatus) => renderUser(c, shown, status);
const userOfPath = (c: PortalCtx) => c.req.param("id") ?? "";

/** A change to the user of the path, with the words it ends in. */
const onUser = (run: (c: PortalCtx, user: string) => Promise<Shown>) => (c: PortalCtx) => runChange(render(c), () => run(c, userOfPath(c)));

/** POST /users/:id/disable */
export const postDisableUser = onUser(async (c, user) => {
  const r = await c.get("portal").api.setUserDisabled({ user, disabled: true });
  return { ok: `${r.user?.username} is disabled: they cannot sign in; ${plural(r.sessionsRevoked, "session")} and ${plural(r.tokensRevoked, "API token")} revoked.` };
});

/** POST /users/:id/enable */
export const postEnableUser = onUser(async (c, user) => {
  const r = await c.get("portal").api.setUserDisabled({ user, disabled: false });
  return { ok: `${r.user?.username} is enabled again.` };
});

/** POST /users/:id/unlock */
export const postUnlockUser = onUser(async (c, user) => {
  const r = await c.get("portal").api.unlockUser({ user });
  return { ok: `${r.user?.username} is unlocked; their failed sign-ins are forgotten.` };
});

/** POST /users/:id/reset-totp */
export const postResetUserTotp = onUser(async (c, user) => {
  const r = await c.get("portal").api.resetUserTotp({ user });
  return { ok: `Two-factor sign-in of ${r.user?.username} removed, recovery codes too; they enrol again after their next sign-in.` };
});

/** POST /users/:id/revoke-sessions */
export const postRevokeUserSessions = onUser(async (c, user) => {
  const r = await c.get("portal").api.revokeUserSessions({ user });
  return { ok: `${plural(r.revoked, "session")} signed out.` };
});

/** POST /users/:id/reset-password */
export const postResetUserPassword = onUser(async (c, user) => {
  const f = await fields(c, ["new_password", "new_password2"], 1000);
  if (f.new_password !== f.new_password2) return { error: "The two passwords differ; type them again." };
  const r = await c.get("portal").api.resetUserPassword({ user, newPassword: f.new_password! });
  return { ok: `Password set; ${plural(r.sessionsRevoked, "session")} signed out. Tell them the new password by another channel.` };
});

/** POST /users/:id/grant-role: `where` is "", "site:ID" or "group:ID". */
export const postGrantRole = onUser(async (c, user) => {
  const f = await fields(c, ["role", "where"], 200);
  const [kind, id] = f.where!.includes(":") ? [f.where!.slice(0, f.where!.indexOf(":")), f.where!.slice(f.where!.indexOf(":") + 1)] : ["", ""];
  const g = grantOf((await c.get("portal").api.grantRole({ user, role: f.role!, site: kind === "site" ? id! : "", siteGroup: kind === "group" ? id! : "" })).grant!);
  return { ok: `${g.username} is now ${g.role} ${g.siteId || g.siteGroupId ? `on ${grantWhere(g)}` : "everywhere"}.` };
});

/** POST /users/:id/revoke-role */
export const postRevokeRole = onUser(async (c) => {
  const f = await fields(c, ["grant_id"], 200);
  const g = grantOf((await c.get("portal").api.revokeRole({ grantId: f.grant_id! })).grant!);
  const sso = g.source === "sso" ? " It came from single sign-on and comes back at their next sign-on while the role mapping gives it." : "";
  return { ok: `${g.username} is no longer ${g.role} ${g.siteId || g.siteGroupId ? `on ${grantWhere(g)}` : "everywhere"}.${sso}` };
});
