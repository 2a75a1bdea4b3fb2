/** @jsxImportSource hono/jsx */
/**
 * Signing in: username and password (SignIn), then the second factor when
 * the account has one (SignInSecondFactor: a TOTP code or a recovery
 * code), or single sign-on when the hub has it. Every refusal is shown as
 * the RPC words it (a lockout says so; a wrong password and an unknown
 * user read the same). Signing out ends the session (SignOut) and forgets
 * the cookie.
 */
import { DcaError } from "../../../common/errors.ts";
import { clearSessionCookie } from "../cookies.ts";
import { statusOf } from "../error-pages.tsx";
import { CsrfField, Layout, Notice } from "../layout.tsx";
import { safeNextPath } from "../next-path.ts";
import { type PageResult, field, portalClient } from "../page.ts";
import type { PortalContext, PortalCtx } from "../portal-context.ts";
import { finishSignIn } from "./sign-in-result.ts";

interface FormProps {
  portal: PortalContext;
  next: string;
  error?: string;
  info?: string;
  username?: string;
}

function SignInForm(p: FormProps & { sso: boolean; setupRequired: boolean }) {
  return (
    <Layout portal={p.portal} title="Sign in">
      <div class="narrow">
        <h1>Sign in</h1>
        {p.setupRequired && (
          <Notice>This hub has no owner yet. Open the setup address that <code>dca-hub serve</code> printed when it started.</Notice>
        )}
        {p.info && <Notice kind="ok">{p.info}</Notice>}
        {p.error && <Notice kind="error">{p.error}</Notice>}
        <form class="stack" method="post" action="/login">
          <CsrfField portal={p.portal} />
          <input type="hidden" name="next" value={p.next} />
          <div>
            <label for="username">Username</label>
            <input id="username" name="username" type="text" autocomplete="username" required value={p.username ?? ""} autofocus />
          </div>
          <div>
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required />
          </div>
          <div>
            <button type="submit">Sign in</button>
          </div>
        </form>
        {p.sso && (
          <>
            <p class="or">or</p>
            <p>
              <a class="button secondary" href={`/login/sso/start?next=${encodeURIComponent(p.next)}`}>
                Sign in with single sign-on
              </a>
            </p>
          </>
        )}
      </div>
    </Layout>
  );
}

function SecondFactorForm(p: FormProps & { challenge: string }) {
  return (
    <Layout portal={p.portal} title="Second factor">
      <div class="narrow">
        <h1>Second factor</h1>
        {p.error && <Notice kind="error">{p.error}</Notice>}
        <form class="stack" method="post" action="/login/second-factor">
          <CsrfField portal={p.portal} />
          <input type="hidden" name="next" value={p.next} />
          <input type="hidden" name="challenge" value={p.challenge} />
          <div>
            <label for="code">
              Code from your authenticator app <span class="hint">(6 digits), or a recovery code</span>
            </label>
            <input id="code" name="code" type="text" inputmode="text" autocomplete="one-time-code" required autofocus />
          </div>
          <div>
            <button type="submit">Continue</button>
          </div>
        </form>
        <p>
          <a href={`/login?next=${encodeURIComponent(p.next)}`}>Start again</a>
        </p>
      </div>
    </Layout>
  );
}

/** The sign-in page, with what the hub offers (SSO, first-run setup); `next` defaults to the request's. */
export async function signInPage(
  c: PortalCtx,
  more: Omit<FormProps, "portal" | "next"> = {},
  status: 200 | 400 | 401 | 403 | 409 | 429 = 200,
  nextPath?: string,
): Promise<Response> {
  const portal = c.get("portal");
  const next = safeNextPath(nextPath ?? c.req.query("next") ?? (c.req.method === "POST" ? await field(c, "next") : "/"));
  const options = await portal.api.getSignInOptions({});
  return c.html(<SignInForm portal={portal} next={next} sso={options.sso} setupRequired={options.setupRequired} {...more} />, status);
}

const formStatus = (e: DcaError) => {
  const s = statusOf(e.code);
  return s === 401 || s === 403 || s === 409 || s === 429 ? s : 400;
};

/** GET /login: the form (or, for someone signed in, straight on). */
export async function getSignIn(c: PortalCtx): Promise<PageResult> {
  const { me } = c.get("portal");
  if (me && !me.enrolOnly) return c.redirect(safeNextPath(c.req.query("next")), 303);
  return signInPage(c, { info: c.req.query("signed-out") === "1" ? "You are signed out." : undefined });
}

/** POST /login: the password step. */
export async function postSignIn(c: PortalCtx): Promise<PageResult> {
  const portal = c.get("portal");
  const username = await field(c, "username", 200);
  const next = safeNextPath(await field(c, "next"));
  try {
    const { result } = await portal.api.signIn({ username, password: await field(c, "password"), client: portalClient(c) });
    if (result?.challenge) return c.html(<SecondFactorForm portal={portal} next={next} challenge={result.challenge} />);
    if (!result?.sessionToken) throw new DcaError("internal", "the hub answered the sign-in with neither a session nor a challenge");
    return finishSignIn(c, result, next);
  } catch (e) {
    const err = DcaError.from(e);
    if (statusOf(err.code) === 500) throw e;
    return signInPage(c, { error: err.message, username }, formStatus(err));
  }
}

/** POST /login/second-factor: the TOTP or recovery code. */
export async function postSecondFactor(c: PortalCtx): Promise<PageResult> {
  const portal = c.get("portal");
  const next = safeNextPath(await field(c, "next"));
  const challenge = await field(c, "challenge", 200);
  try {
    const { result } = await portal.api.signInSecondFactor({ challenge, code: (await field(c, "code", 100)).trim(), client: portalClient(c) });
    if (!result?.sessionToken) throw new DcaError("internal", "the hub answered the second factor without a session");
    return finishSignIn(c, result, next);
  } catch (e) {
    const err = DcaError.from(e);
    if (statusOf(err.code) === 500) throw e;
    return c.html(<SecondFactorForm portal={portal} next={next} challenge={challenge} error={err.message} />, formStatus(err));
  }
}

/** POST /logout: ends the session at the hub and forgets the cookie. */
export async function postSignOut(c: PortalCtx): Promise<PageResult> {
  const { me, api } = c.get("portal");
  if (me) await api.signOut({}).catch(() => undefined);
  clearSessionCookie(c);
  return c.redirect("/login?signed-out=1", 303);
}
