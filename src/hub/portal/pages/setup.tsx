/** @jsxImportSource hono/jsx */
/**
 * First-run setup: a hub with no user yet makes its first owner here, with
 * the one-time setup code `dca-hub serve` printed in its setup address
 * (/setup?code=...). SetUpFirstOwner checks the code (hashed in the hub's
 * settings, expiring, single use) and the password policy, creates the
 * owner, and signs them in. Once the hub has a user this page only says so.
 */
import { DcaError } from "../../../common/errors.ts";
import { statusOf } from "../error-pages.tsx";
import { CsrfField, Layout, Notice } from "../layout.tsx";
import { type PageResult, field, portalClient } from "../page.ts";
import type { PortalContext, PortalCtx } from "../portal-context.ts";
import { finishSignIn } from "./sign-in-result.ts";

function SetupPage(p: { portal: PortalContext; code: string; done: boolean; error?: string; username?: string }) {
  return (
    <Layout portal={p.portal} title="Set up this hub">
      <div class="narrow">
        <h1>Set up this hub</h1>
        {p.done ? (
          <>
            <Notice>This hub already has its owner.</Notice>
            <p>
              <a href="/login">Sign in</a>
            </p>
          </>
        ) : (
          <>
            <p>Make the hub's first owner: the account that may do everything, including making the other accounts.</p>
            {p.error && <Notice kind="error">{p.error}</Notice>}
            <form class="stack" method="post" action="/setup">
              <CsrfField portal={p.portal} />
              <div>
                <label for="code">
                  Setup code <span class="hint">(in the address dca-hub serve printed)</span>
                </label>
                <input id="code" name="code" type="text" autocomplete="off" required value={p.code} />
              </div>
              <div>
                <label for="username">
                  Username <span class="hint">(letters, digits, . _ @ -)</span>
                </label>
                <input id="username" name="username" type="text" autocomplete="username" required value={p.username ?? ""} />
              </div>
              <div>
                <label for="password">
                  Password <span class="hint">(at least 12 characters; a few unrelated words work well)</span>
                </label>
                <input id="password" name="password" type="password" autocomplete="new-password" required minlength={12} />
              </div>
              <div>
                <label for="password2">Password again</label>
                <input id="password2" name="password2" type="password" autocomplete="new-password" required minlength={12} />
              </div>
              <div>
                <button type="submit">Create the owner</button>
              </div>
            </form>
          </>
        )}
      </div>
    </Layout>
  );
}

/** GET /setup?code=: the form (or "already set up"). */
export async function getSetup(c: PortalCtx): Promise<PageResult> {
  const portal = c.get("portal");
  const { setupRequired } = await portal.api.getSignInOptions({});
  return <SetupPage portal={portal} code={(c.req.query("code") ?? "").slice(0, 100)} done={!setupRequired} />;
}

/** POST /setup: makes the owner and signs them in. */
export async function postSetup(c: PortalCtx): Promise<PageResult> {
  const portal = c.get("portal");
  const code = (await field(c, "code", 100)).trim();
  const username = await field(c, "username", 200);
  const password = await field(c, "password", 1000);
  const again = (msg: string, status: 400 | 401 | 403 | 409 | 429) => c.html(<SetupPage portal={portal} code={code} done={false} error={msg} username={username} />, status);
  if (password !== (await field(c, "password2", 1000))) return again("The two passwords differ; type them again.", 400);
  try {
    const { result } = await portal.api.setUpFirstOwner({ code, username, password, client: portalClient(c) });
    if (!result?.sessionToken) throw new DcaError("internal", "the hub answered the setup without a session");
    return finishSignIn(c, result, "/account/security");
  } catch (e) {
    const err = DcaError.from(e);
    const status = statusOf(err.code);
    if (status === 500) throw e;
    if (err.code === "failed-precondition") return c.html(<SetupPage portal={portal} code="" done={true} />, 409);
    return again(err.message, status === 401 || status === 403 || status === 429 ? status : 400);
  }
}
