/** @jsxImportSource hono/jsx */
/**
 * The signed-in person's own security (/account/security): change the
 * password, turn on TOTP (the QR code as an SVG image, the secret to type
 * in, then a code to confirm; ten recovery codes shown once), new recovery
 * codes, turn TOTP off, and one's sessions (revoke one, or all others).
 * Every change is confirmed with the current password or a 2FA code, as
 * the RPCs require. A session limited to enrolling 2FA (the hub requires
 * it) lands here and sees only the enrolment; finishing it swaps the
 * session for a full one (ConfirmTotpEnrolment answers the new token).
 * The forms' handlers are in security-actions.ts.
 */
import type { Session } from "../../../gen/dca/v1/admin_people_pb.ts";
import { CsrfField, Layout, Notice } from "../layout.tsx";
import type { PageResult } from "../page.ts";
import type { PortalContext, PortalCtx } from "../portal-context.ts";

/** What one rendering of the page shows besides the settings. */
export interface Shown {
  ok?: string;
  error?: string;
  /** An enrolment begun: its QR (SVG) and secret. */
  enrolment?: { qrSvg: string; secret: string };
  /** Recovery codes just made (shown once). */
  recoveryCodes?: string[];
}

const when = (t: { seconds: bigint } | undefined) => (t ? new Date(Number(t.seconds) * 1000).toISOString().replace("T", " ").slice(0, 16) + " UTC" : "-");

function Confirm(p: { withCode: boolean; prefix: string }) {
  return (
    <>
      <div>
        <label for={`${p.prefix}-password`}>Current password</label>
        <input id={`${p.prefix}-password`} name="confirm_password" type="password" autocomplete="current-password" />
      </div>
      {p.withCode && (
        <div>
          <label for={`${p.prefix}-code`}>
            or a code from your authenticator app <span class="hint">(or a recovery code)</span>
          </label>
          <input id={`${p.prefix}-code`} name="confirm_code" type="text" autocomplete="one-time-code" />
        </div>
      )}
    </>
  );
}

function SecurityPage(p: { portal: PortalContext; sessions: Session[]; shown: Shown }) {
  const me = p.portal.me!;
  const user = me.user!;
  const local = user.source === "local";
  const totp = user.totpEnabled;
  return (
    <Layout portal={p.portal} title="My security" path="/account/security">
      <h1>My security</h1>
      {me.enrolOnly && <Notice>This hub requires two-factor sign-in. Turn on TOTP below; then you can use the rest of the portal.</Notice>}
      {p.shown.ok && <Notice kind="ok">{p.shown.ok}</Notice>}
      {p.shown.error && <Notice kind="error">{p.shown.error}</Notice>}
      {p.shown.recoveryCodes && (
        <section class="card" aria-labelledby="codes-h">
          <h2 id="codes-h">Your recovery codes</h2>
          <p>Each works once, instead of a code from your app. Keep them somewhere safe now: they are not shown again.</p>
          <ul class="codes">
            {p.shown.recoveryCodes.map((c) => (
              <li>{c}</li>
            ))}
          </ul>
        </section>
      )}

      <section class="card" aria-labelledby="totp-h">
        <h2 id="totp-h">Two-factor sign-in (TOTP)</h2>
        {!local ? (
          <p>Your account signs in through {user.source === "oidc" ? "single sign-on" : "the directory"}; its second factor is set up there.</p>
        ) : p.shown.enrolment ? (
          <>
            <p>Scan this code with your authenticator app, or type the secret into it. Then enter the 6-digit code it shows.</p>
            <img class="qr" src={`data:image/svg+xml;base64,${Buffer.from(p.shown.enrolment.qrSvg).toString("base64")}`} alt="QR code for your authenticator app" />
            <p>
              Secret: <code>{p.shown.enrolment.secret}</code>
            </p>
            <form class="stack" method="post" action="/account/totp/confirm">
              <CsrfField portal={p.portal} />
              <div>
                <label for="totp-code">Code from your app</label>
                <input id="totp-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required />
              </div>
              <div>
                <button type="submit">Turn on two-factor sign-in</button>
              </div>
            </form>
          </>
        ) : totp ? (
          <>
            <p>On. Recovery codes left: {user.recoveryCodesLeft}.</p>
            <form class="stack" method="post" action="/account/recovery-codes">
              <CsrfField portal={p.portal} />
              <Confirm withCode={true} prefix="rc" />
              <div>
                <button type="submit" class="secondary">
                  Make new recovery codes
                </button>
              </div>
            </form>
            <h3>Turn off</h3>
            <form class="stack" method="post" action="/account/totp/disable">
              <CsrfField portal={p.portal} />
              <Confirm withCode={true} prefix="off" />
              <div>
                <button type="submit" class="danger">
                  Turn off two-factor sign-in
                </button>
              </div>
            </form>
          </>
        ) : (
          <>
            <p>Off. With it on, signing in also asks for a code from an app on your phone.</p>
            <form class="stack" method="post" action="/account/totp/begin">
              <CsrfField portal={p.portal} />
              <Confirm withCode={false} prefix="begin" />
              <div>
                <button type="submit">Set up two-factor sign-in</button>
              </div>
            </form>
          </>
        )}
      </section>

      {!me.enrolOnly && local && (
        <section class="card" aria-labelledby="pw-h">
          <h2 id="pw-h">Password</h2>
          <form class="stack" method="post" action="/account/password">
            <CsrfField portal={p.portal} />
            <Confirm withCode={totp} prefix="pw" />
            <div>
              <label for="new-password">
                New password <span class="hint">(at least 12 characters)</span>
              </label>
              <input id="new-password" name="new_password" type="password" autocomplete="new-password" required minlength={12} />
            </div>
            <div>
              <label for="new-password2">New password again</label>
              <input id="new-password2" name="new_password2" type="password" autocomplete="new-password" required minlength={12} />
            </div>
            <div>
              <button type="submit">Change the password</button>
            </div>
          </form>
        </section>
      )}

      {!me.enrolOnly && (
        <section class="card" aria-labelledby="ses-h">
          <h2 id="ses-h">Sessions</h2>
          <div class="table-wrap">
            <table>
              <caption class="hint">Where you are signed in</caption>
              <thead>
                <tr>
                  <th scope="col">Signed in</th>
                  <th scope="col">How</th>
                  <th scope="col">Last used</th>
                  <th scope="col">From</th>
                  <th scope="col">Client</th>
                  <th scope="col">
                    <span class="sr-only">Action</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {p.sessions.map((s) => (
                  <tr>
                    <td>{when(s.createdAt)}</td>
                    <td>{s.method}</td>
                    <td>{when(s.lastUsedAt)}</td>
                    <td>{s.address}</td>
                    <td>{s.client}</td>
                    <td>
                      {s.current ? (
                        "this one"
                      ) : (
                        <form method="post" action="/account/sessions/revoke" class="inline">
                          <CsrfField portal={p.portal} />
                          <input type="hidden" name="session_id" value={s.id} />
                          <button type="submit" class="secondary" aria-label={`Sign out the session from ${s.address}`}>
                            Sign out
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {p.sessions.length > 1 && (
            <form method="post" action="/account/sessions/revoke">
              <CsrfField portal={p.portal} />
              <input type="hidden" name="all_others" value="1" />
              <p>
                <button type="submit" class="secondary">
                  Sign out all other sessions
                </button>
              </p>
            </form>
          )}
        </section>
      )}
    </Layout>
  );
}

/** The page with `shown`, read fresh (WhoAmI again after a change). */
export async function renderSecurity(c: PortalCtx, shown: Shown, status: 200 | 400 | 401 | 403 | 409 | 429 = 200): Promise<Response> {
  const portal = c.get("portal");
  portal.me = await portal.api.whoAmI({});
  const sessions = portal.me.enrolOnly ? [] : (await portal.api.listMySessions({})).sessions;
  return c.html(<SecurityPage portal={portal} sessions={sessions} shown={shown} />, status);
}

/** GET /account/security */
export function getSecurity(c: PortalCtx): Promise<PageResult> {
  return renderSecurity(c, c.req.query("enrol") === "1" ? { ok: "Signed in. Turn on two-factor sign-in to go on." } : {});
}
