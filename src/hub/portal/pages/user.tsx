/** @jsxImportSource hono/jsx */
/**
 * One person (/users/ID): who they are, their state, roles and sessions,
 * and what an admin does to an account: disable or enable, unlock, set a
 * new password, remove their TOTP, sign out their sessions, grant a role
 * (everywhere, on a site or on a site group) and take one back. The hub's
 * owner rules (only an owner acts on an owner; the last owner stays) are
 * the RPCs': their refusals are shown as they are worded. The forms'
 * handlers are in user-actions.ts.
 */
import type { RoleGrant, SiteGroup } from "../../../gen/dca/v1/admin_people_pb.ts";
import type { SiteSummary } from "../../../gen/dca/v1/admin_sites_pb.ts";
import { grantWhere, grantOf, statusText, userOf } from "../../admin/people-from-proto.ts";
import { CsrfField, Layout, Notice } from "../layout.tsx";
import type { PortalContext, PortalCtx } from "../portal-context.ts";
import { type FormStatus, type Shown, when } from "./run-change.ts";
import { RoleFields } from "./role-fields.tsx";
import { userPath } from "./users.tsx";

/** A form with one button posting to `action` (hidden fields as given). */
function Action(p: { portal: PortalContext; action: string; label: string; kind?: "secondary" | "danger"; hidden?: Record<string, string>; aria?: string }) {
  return (
    <form method="post" action={p.action} class="inline">
      <CsrfField portal={p.portal} />
      {Object.entries(p.hidden ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class={p.kind} aria-label={p.aria}>
        {p.label}
      </button>
    </form>
  );
}

function Grants(p: { portal: PortalContext; base: string; grants: RoleGrant[]; sites: SiteSummary[]; groups: SiteGroup[] }) {
  return (
    <section class="card" aria-labelledby="roles-h">
      <h2 id="roles-h">Roles</h2>
      {p.grants.length === 0 ? (
        <p>None: they may do nothing yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">Where</th>
                <th scope="col">From</th>
                <th scope="col">Granted</th>
                <th scope="col">
                  <span class="sr-only">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {p.grants.map((g) => (
                <tr>
                  <td>{g.role}</td>
                  <td>{grantWhere(grantOf(g))}</td>
                  <td>{g.source === "sso" ? "single sign-on" : "granted here"}</td>
                  <td>{when(g.createdAt)}</td>
                  <td>
                    <Action portal={p.portal} action={`${p.base}/revoke-role`} label="Take back" kind="secondary" hidden={{ grant_id: g.id }} aria={`Take back ${g.role} ${grantWhere(grantOf(g))}`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form class="stack" method="post" action={`${p.base}/grant-role`}>
        <h3>Grant a role</h3>
        <CsrfField portal={p.portal} />
        <RoleFields idPrefix="grant" sites={p.sites} groups={p.groups} by="id" />
        <div>
          <button type="submit">Grant</button>
        </div>
      </form>
    </section>
  );
}

/** The page of the user `c.req.param("id")` with `shown`, read fresh. */
export async function renderUser(c: PortalCtx, shown: Shown = {}, status: FormStatus = 200): Promise<Response> {
  const portal = c.get("portal");
  const answer = await portal.api.getUser({ user: c.req.param("id") ?? "" });
  const user = answer.user!;
  const v = userOf(user);
  const base = userPath(user);
  const [{ sites }, { groups }] = [await portal.api.listSites({}), await portal.api.listSiteGroups({})];
  return c.html(
    <Layout portal={portal} title={user.username} path="/users">
      <p>
        <a href="/users">People</a>
      </p>
      <h1>{user.username}</h1>
      {shown.ok && <Notice kind="ok">{shown.ok}</Notice>}
      {shown.error && <Notice kind="error">{shown.error}</Notice>}
      <section class="card" aria-labelledby="who-h">
        <h2 id="who-h">Account</h2>
        <dl class="facts">
          <dt>Name</dt>
          <dd>{user.displayName || "-"}</dd>
          <dt>E-mail</dt>
          <dd>{user.email || "-"}</dd>
          <dt>Signs in through</dt>
          <dd>{user.source === "local" ? `this hub${user.hasPassword ? "" : " (no password set)"}` : user.source}</dd>
          <dt>State</dt>
          <dd>{`${statusText(v)}${user.failedSignIns ? `; ${user.failedSignIns} failed sign-ins in a row` : ""}`}</dd>
          <dt>Two-factor sign-in</dt>
          <dd>{user.totpEnabled ? `TOTP, ${user.recoveryCodesLeft} recovery codes left` : "none"}</dd>
          <dt>Last sign-in</dt>
          <dd>{when(user.lastSignInAt)}</dd>
          <dt>Created</dt>
          <dd>{`${when(user.createdAt)}${user.createdBy ? ` by ${user.createdBy}` : ""}`}</dd>
        </dl>
        <div class="buttons">
          {user.disabled ? (
            <Action portal={portal} action={`${base}/enable`} label="Enable" />
          ) : (
            <Action portal={portal} action={`${base}/disable`} label="Disable" kind="danger" />
          )}
          {user.locked && <Action portal={portal} action={`${base}/unlock`} label="Unlock" />}
          {user.totpEnabled && <Action portal={portal} action={`${base}/reset-totp`} label="Remove their TOTP" kind="secondary" />}
          <Action portal={portal} action={`${base}/revoke-sessions`} label="Sign out all their sessions" kind="secondary" />
        </div>
      </section>
      <Grants portal={portal} base={base} grants={user.grants} sites={sites} groups={groups} />
      {user.source === "local" && (
        <section class="card" aria-labelledby="pw-h">
          <h2 id="pw-h">Set a new password</h2>
          <form class="stack" method="post" action={`${base}/reset-password`}>
            <CsrfField portal={portal} />
            <div>
              <label for="reset-password">New password <span class="hint">(at least 12 characters; their sessions end)</span></label>
              <input id="reset-password" name="new_password" type="password" required minlength={12} autocomplete="new-password" />
            </div>
            <div>
              <label for="reset-password2">New password again</label>
              <input id="reset-password2" name="new_password2" type="password" required minlength={12} autocomplete="new-password" />
            </div>
            <div>
              <button type="submit">Set the password</button>
            </div>
          </form>
        </section>
      )}
      <section class="card" aria-labelledby="ses-h">
        <h2 id="ses-h">Sessions</h2>
        {answer.sessions.length === 0 ? (
          <p>Not signed in anywhere.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Signed in</th>
                  <th scope="col">How</th>
                  <th scope="col">Last used</th>
                  <th scope="col">From</th>
                  <th scope="col">Client</th>
                </tr>
              </thead>
              <tbody>
                {answer.sessions.map((s) => (
                  <tr>
                    <td>{when(s.createdAt)}</td>
                    <td>{s.method}</td>
                    <td>{when(s.lastUsedAt)}</td>
                    <td>{s.address}</td>
                    <td>{s.client}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Layout>,
    status,
  );
}

/** GET /users/:id */
export const getUser = (c: PortalCtx) => renderUser(c);
