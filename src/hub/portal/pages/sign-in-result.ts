/**
 * What every way of signing in does at the end: the session's token goes
 * into the session cookie, and the browser goes on to where it was headed,
 * or to the own-security page when the session may only enrol 2FA.
 */
import type { SignInResult } from "../../../gen/dca/v1/admin_people_pb.ts";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { setSessionCookie } from "../cookies.ts";
import { ENROL_PATH } from "../page.ts";
import { safeNextPath } from "../next-path.ts";
import type { PortalCtx } from "../portal-context.ts";

/** Keeps the session of `result` and redirects (303) to `next` (checked) or the enrolment page. */
export function finishSignIn(c: PortalCtx, result: SignInResult, next: string): Response {
  setSessionCookie(c, result.sessionToken, result.expiresAt ? timestampDate(result.expiresAt) : undefined);
  return c.redirect(result.enrolRequired ? `${ENROL_PATH}?enrol=1` : safeNextPath(next), 303);
}
