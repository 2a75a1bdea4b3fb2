/**
 * The forms of the own-security page (security.tsx): each calls its RPC as
 * the signed-in person, confirmed by the current password or a 2FA code
 * where the RPC asks for one, and shows the page again with what happened
 * or with the refusal as the RPC words it.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { DcaError } from "../../../common/errors.ts";
import { setSessionCookie } from "../cookies.ts";
import { statusOf } from "../error-pages.tsx";
import { field } from "../page.ts";
import type { PortalCtx } from "../portal-context.ts";
import { type Shown, renderSecurity } from "./security.tsx";

/** Runs a change; its refusal is shown on the page as the RPC words it. */
async function change(c: PortalCtx, run: () => Promise<Shown | Response>): Promise<Response> {
  try {
    const out = await run();
    return out instanceof Response ? out : renderSecurity(c, out);
  } catch (e) {
    const err = DcaError.from(e);
    const status = statusOf(err.code);
    if (status === 500) throw e;
    return renderSecurity(c, { error: err.message }, status === 401 || status === 403 || status === 409 || status === 429 ? status : 400);
  }
}

const confirmOf = async (c: PortalCtx) => ({ password: await field(c, "confirm_password", 1000), totpCode: (await field(c, "confirm_code", 100)).trim() });

/** POST /account/password */
export const postPassword = (c: PortalCtx) =>
  change(c, async () => {
    const newPassword = await field(c, "new_password", 1000);
    if (newPassword !== (await field(c, "new_password2", 1000))) return { error: "The two new passwords differ; type them again." };
    const r = await c.get("portal").api.changePassword({ confirm: await confirmOf(c), newPassword });
    return { ok: `Password changed.${r.sessionsRevoked ? ` ${r.sessionsRevoked} other session(s) signed out.` : ""}` };
  });

/** POST /account/totp/begin */
export const postTotpBegin = (c: PortalCtx) =>
  change(c, async () => {
    const r = await c.get("portal").api.beginTotpEnrolment({ confirm: await confirmOf(c) });
    return { enrolment: { qrSvg: r.qrSvg, secret: r.secret } };
  });

/** POST /account/totp/confirm: on, with recovery codes; an enrolment-only session becomes a full one. */
export const postTotpConfirm = (c: PortalCtx) =>
  change(c, async () => {
    const portal = c.get("portal");
    const r = await portal.api.confirmTotpEnrolment({ code: (await field(c, "code", 100)).trim() });
    if (r.sessionUpgraded && r.sessionToken) {
      setSessionCookie(c, r.sessionToken, r.expiresAt ? timestampDate(r.expiresAt) : undefined);
      // The rest of this answer (and its forms' CSRF tokens) belongs to the new session.
      await portal.useSession(r.sessionToken);
    }
    const others = r.sessionsRevoked ? ` ${r.sessionsRevoked} other session(s) signed out.` : "";
    return { ok: `Two-factor sign-in is on.${others}`, recoveryCodes: r.recoveryCodes };
  });

/** POST /account/totp/disable */
export const postTotpDisable = (c: PortalCtx) =>
  change(c, async () => {
    const r = await c.get("portal").api.disableTotp({ confirm: await confirmOf(c) });
    return { ok: `Two-factor sign-in is off.${r.sessionsRevoked ? ` ${r.sessionsRevoked} other session(s) signed out.` : ""}` };
  });

/** POST /account/recovery-codes */
export const postRecoveryCodes = (c: PortalCtx) =>
  change(c, async () => {
    const r = await c.get("portal").api.newRecoveryCodes({ confirm: await confirmOf(c) });
    return { ok: "New recovery codes made; the old ones no longer work.", recoveryCodes: r.recoveryCodes };
  });

/** POST /account/sessions/revoke: one session, or all others. */
export const postRevokeSessions = (c: PortalCtx) =>
  change(c, async () => {
    const allOthers = (await field(c, "all_others")) === "1";
    const r = await c.get("portal").api.revokeMySessions(allOthers ? { allOthers } : { sessionId: await field(c, "session_id", 100) });
    return { ok: `${r.revoked} session(s) signed out.` };
  });
