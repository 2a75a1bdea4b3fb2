/** @jsxImportSource hono/jsx */
/**
 * One's own API tokens (/account/tokens): the list with their last use, a
 * form to make one (a scope, how long it lasts, confirmed by the current
 * password or a 2FA code as CreateApiToken requires) whose secret is shown
 * in that answer only, and revoking one. The hub keeps only a token's hash,
 * so the secret can never be shown again.
 */
import { TOKEN_SCOPES } from "../../access/roles.ts";
import { CsrfField, Layout, Notice } from "../layout.tsx";
import type { PortalCtx } from "../portal-context.ts";
import { type FormStatus, type Shown, fields, runChange, when } from "./run-change.ts";

/** What each scope allows, in words (docs/api.md). */
const SCOPE_WORDS: Record<string, string> = {
  meters: "meters: read meters and devices (billing systems)",
  tasks: "tasks: meters, and create and read tasks",
  relay: "relay: the agents' SSH keys, for sshd",
  broker: "broker: the MQTT broker's password file and ACL",
  metrics: "metrics: the hub's /metrics, for Prometheus",
  full: "full: all you may do yourself",
};

/** How long a new token may last, in days. */
const DAYS = [7, 30, 90, 180, 365];

/** The page with `shown`, read fresh. */
export async function renderTokens(c: PortalCtx, shown: Shown = {}, status: FormStatus = 200): Promise<Response> {
  const portal = c.get("portal");
  const ended = c.req.query("ended") === "1";
  const { tokens } = await portal.api.listApiTokens({ includeEnded: ended });
  const totp = portal.me?.user?.totpEnabled ?? false;
  return c.html(
    <Layout portal={portal} title="My API tokens" path="/account/tokens">
      <h1>My API tokens</h1>
      {shown.ok && <Notice kind="ok">{shown.ok}</Notice>}
      {shown.error && <Notice kind="error">{shown.error}</Notice>}
      {shown.secret && (
        <div class="secret-once" role="status">
          <p>
            <strong>{shown.secret.label}</strong> It is shown only now: copy it to where it is used. Send it as{" "}
            <code class="inline">Authorization: Bearer …</code>.
          </p>
          <code id="token-secret">{shown.secret.value}</code>
        </div>
      )}
      <p class="hint">A token acts as you, limited to its scope, for programs that call the hub's API. Revoke one you no longer use.</p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Scope</th>
              <th scope="col">Made</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">From</th>
              <th scope="col">
                <span class="sr-only">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.length === 0 && (
              <tr>
                <td colspan={7}>No tokens.</td>
              </tr>
            )}
            {tokens.map((t) => (
              <tr>
                <td>{t.name}</td>
                <td>{t.scope}</td>
                <td>{when(t.createdAt)}</td>
                <td>{when(t.expiresAt)}</td>
                <td>{t.lastUsedAt ? when(t.lastUsedAt) : "never"}</td>
                <td>{t.lastAddress || "-"}</td>
                <td>
                  {t.revoked ? (
                    "revoked"
                  ) : (
                    <form method="post" action="/account/tokens/revoke" class="inline">
                      <CsrfField portal={portal} />
                      <input type="hidden" name="token_id" value={t.id} />
                      <button type="submit" class="secondary" aria-label={`Revoke the token ${t.name}`}>
                        Revoke
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>{ended ? <a href="/account/tokens">Only the tokens in use</a> : <a href="/account/tokens?ended=1">Show revoked and expired tokens too</a>}</p>
      <section class="card" aria-labelledby="new-h">
        <h2 id="new-h">Make a token</h2>
        <form class="stack" method="post" action="/account/tokens">
          <CsrfField portal={portal} />
          <div>
            <label for="token-name">Name <span class="hint">(what uses it: "billing export", "prometheus")</span></label>
            <input id="token-name" name="name" type="text" required maxlength={100} />
          </div>
          <div>
            <label for="token-scope">Scope</label>
            <select id="token-scope" name="scope">
              {TOKEN_SCOPES.map((s) => (
                <option value={s}>{SCOPE_WORDS[s] ?? s}</option>
              ))}
            </select>
          </div>
          <div>
            <label for="token-days">Lasts</label>
            <select id="token-days" name="days">
              {DAYS.map((d) => (
                <option value={String(d)} selected={d === 90}>{`${d} days`}</option>
              ))}
            </select>
          </div>
          <div>
            <label for="token-password">Your current password</label>
            <input id="token-password" name="confirm_password" type="password" autocomplete="current-password" />
          </div>
          {totp && (
            <div>
              <label for="token-code">
                or a code from your authenticator app <span class="hint">(or a recovery code)</span>
              </label>
              <input id="token-code" name="confirm_code" type="text" autocomplete="one-time-code" />
            </div>
          )}
          <div>
            <button type="submit">Make the token</button>
          </div>
        </form>
      </section>
    </Layout>,
    status,
  );
}

/** GET /account/tokens */
export const getTokens = (c: PortalCtx) => renderTokens(c);

const render = (c: PortalCtx) => (shown: Shown, status?: FormStatus) => renderTokens(c, shown, status);

/** POST /account/tokens: a new token, its secret shown in this answer only. */
export const postCreateToken = (c: PortalCtx) =>
  runChange(render(c), async () => {
    const f = await fields(c, ["name", "scope", "days", "confirm_password", "confirm_code"], 1000);
    const days = Number(f.days);
    if (!DAYS.includes(days)) return { error: `Choose how long the token lasts: ${DAYS.join(", ")} days.` };
    const r = await c.get("portal").api.createApiToken({
      confirm: { password: f.confirm_password!, totpCode: f.confirm_code!.trim() },
      name: f.name!.trim(),
      scope: f.scope!,
      ttlSeconds: BigInt(days * 86_400),
    });
    return { ok: `Token ${r.token?.name} made (scope ${r.token?.scope}), until ${when(r.token?.expiresAt)}.`, secret: { label: "Your new token:", value: r.secret } };
  });

/** POST /account/tokens/revoke */
export const postRevokeToken = (c: PortalCtx) =>
  runChange(render(c), async () => {
    const f = await fields(c, ["token_id"], 200);
    const r = await c.get("portal").api.revokeApiToken({ tokenId: f.token_id! });
    return { ok: `Token ${r.token?.name} revoked: it no longer works.` };
  });
