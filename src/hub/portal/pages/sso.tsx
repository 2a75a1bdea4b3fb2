/** @jsxImportSource hono/jsx */
/**
 * Single sign-on from the portal. /login/sso/start makes a PKCE verifier
 * and a state, keeps them in a short Lax cookie, and asks StartSsoSignIn
 * for the provider's URL with /login/sso as the return target (a path on
 * the hub, which StartSsoSignIn allows). The hub's /sso/callback finishes
 * with the provider and sends the browser to /login/sso with a one-time
 * ticket; FinishSsoSignIn redeems it with the verifier only this browser
 * holds. The session cookie is SameSite=Strict and the way back began at
 * another site, so the last step is a small page that moves on by itself
 * (a same-site navigation, which carries the new cookie).
 */
import { createHash, randomBytes } from "node:crypto";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { DcaError } from "../../../common/errors.ts";
import { setSessionCookie, setSsoCookie, takeSsoCookie } from "../cookies.ts";
import { statusOf } from "../error-pages.tsx";
import { Layout, Notice } from "../layout.tsx";
import { safeNextPath } from "../next-path.ts";
import { ENROL_PATH, type PageResult, portalClient } from "../page.ts";
import type { PortalCtx } from "../portal-context.ts";
import { signInPage } from "./sign-in.tsx";

/** Where the hub's SSO callback sends the browser back to. */
export const SSO_RETURN_PATH = "/login/sso";

/** GET /login/sso/start: off to the identity provider. */
export async function getSsoStart(c: PortalCtx): Promise<PageResult> {
  const { api } = c.get("portal");
  const verifier = randomBytes(32).toString("base64url");
  const state = randomBytes(16).toString("base64url");
  const next = safeNextPath(c.req.query("next"));
  const codeChallenge = createHash("sha256").update(verifier, "ascii").digest("base64url");
  try {
    const { authorizationUrl } = await api.startSsoSignIn({ returnTo: SSO_RETURN_PATH, state, codeChallenge });
    setSsoCookie(c, { state, verifier, next });
    return c.redirect(authorizationUrl, 303);
  } catch (e) {
    const err = DcaError.from(e);
    if (statusOf(err.code) === 500) throw e;
    return signInPage(c, { error: `Single sign-on: ${err.message}` }, 400, next);
  }
}

/** GET /login/sso: back from the provider with a ticket (or an error). */
export async function getSsoReturn(c: PortalCtx): Promise<PageResult> {
  const portal = c.get("portal");
  const held = takeSsoCookie(c);
  // Shown here, not passed on in a URL: nobody can put words of their own on the sign-in page.
  const fail = (message: string) => signInPage(c, { error: `Single sign-on failed: ${message.slice(0, 300)}` }, 401, held?.next ?? "/");
  if (!held || held.state !== c.req.query("state")) return fail("this browser did not start this sign-in (or took longer than 10 minutes); start it again");
  if (c.req.query("error")) return fail(c.req.query("error_description") ?? c.req.query("error")!);
  try {
    const { result } = await portal.api.finishSsoSignIn({ ticket: c.req.query("ticket") ?? "", codeVerifier: held.verifier, client: portalClient(c) });
    if (!result?.sessionToken) throw new DcaError("internal", "the hub answered single sign-on without a session");
    setSessionCookie(c, result.sessionToken, result.expiresAt ? timestampDate(result.expiresAt) : undefined);
    const to = result.enrolRequired ? ENROL_PATH : safeNextPath(held.next);
    return c.html(
      <Layout portal={portal} title="Signed in">
        <meta http-equiv="refresh" content={`0;url=${to}`} />
        <h1>Signed in</h1>
        <Notice kind="ok">
          You are signed in. <a href={to}>Continue</a>
        </Notice>
      </Layout>,
    );
  } catch (e) {
    const err = DcaError.from(e);
    if (statusOf(err.code) === 500) throw e;
    return fail(err.message);
  }
}
