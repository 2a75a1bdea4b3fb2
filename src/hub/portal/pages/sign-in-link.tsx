/** @jsxImportSource hono/jsx */
/**
 * One-time sign-in links (`dca-hub admin-local --data DIR owner sign-in-link
 * NAME` mints them; `npm run demo` prints one). GET /login/link?code= only
 * shows a button: a link previewer or a browser's prefetch must not use up
 * the code. The button posts it to RedeemSignInLink, which works once.
 */
import { DcaError } from "../../../common/errors.ts";
import { statusOf } from "../error-pages.tsx";
import { CsrfField, Layout, Notice } from "../layout.tsx";
import { type PageResult, field, portalClient } from "../page.ts";
import type { PortalContext, PortalCtx } from "../portal-context.ts";
import { finishSignIn } from "./sign-in-result.ts";

function LinkPage(p: { portal: PortalContext; code: string; error?: string }) {
  return (
    <Layout portal={p.portal} title="Sign in with a link">
      <div class="narrow">
        <h1>Sign in with a link</h1>
        {p.error ? (
          <>
            <Notice kind="error">{p.error}</Notice>
            <p>
              <a href="/login">Sign in with a password instead</a>
            </p>
          </>
        ) : (
          <form class="stack" method="post" action="/login/link">
            <CsrfField portal={p.portal} />
            <input type="hidden" name="code" value={p.code} />
            <p>This link signs you in once. It stops working when used, or after a short time.</p>
            <div>
              <button type="submit">Sign in</button>
            </div>
          </form>
        )}
      </div>
    </Layout>
  );
}

/** GET /login/link?code=: the button. */
export function getSignInLink(c: PortalCtx): PageResult {
  const code = (c.req.query("code") ?? "").slice(0, 100);
  return <LinkPage portal={c.get("portal")} code={code} error={code ? undefined : "This link has no code; copy the whole link."} />;
}

/** POST /login/link: redeems the code. */
export async function postSignInLink(c: PortalCtx): Promise<PageResult> {
  const portal = c.get("portal");
  try {
    const { result } = await portal.api.redeemSignInLink({ code: await field(c, "code", 100), client: portalClient(c) });
    if (!result?.sessionToken) throw new DcaError("internal", "the hub answered the sign-in link without a session");
    return finishSignIn(c, result, "/");
  } catch (e) {
    const err = DcaError.from(e);
    const status = statusOf(err.code);
    if (status === 500) throw e;
    return c.html(<LinkPage portal={portal} code="" error={err.message} />, status === 401 ? 401 : status === 429 ? 429 : 403);
  }
}
