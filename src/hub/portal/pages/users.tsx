/** @jsxImportSource hono/jsx */
/**
 * People (/users): everyone with an account, their roles and state, a form
 * to add someone (with a first password they change), and the site groups
 * roles can be granted on. Each list is what ListUsers / ListSiteGroups
 * answer the signed-in person; whoever may not read users gets the RPC's
 * refusal as the 403 page. One person's page is /users/ID (user.tsx).
 */
import type { SiteGroup, User } from "../../../gen/dca/v1/admin_people_pb.ts";
import type { SiteSummary } from "../../../gen/dca/v1/admin_sites_pb.ts";
import { rolesText, statusText, userOf } from "../../admin/people-from-proto.ts";
import { CsrfField, Layout, Notice } from "../layout.tsx";
import type { PortalContext, PortalCtx } from "../portal-context.ts";
import { type FormStatus, type Shown, fields, runChange, when } from "./run-change.ts";

/** A user's page address. */
export const userPath = (u: Pick<User, "id">) => `/users/${encodeURIComponent(u.id)}`;

function UserTable(p: { users: User[] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption class="hint">{`${p.users.length} account${p.users.length === 1 ? "" : "s"}`}</caption>
        <thead>
          <tr>
            <th scope="col">Username</th>
            <th scope="col">Name</th>
            <th scope="col">Signs in through</th>
            <th scope="col">Roles</th>
            <th scope="col">2FA</th>
            <th scope="col">State</th>
            <th scope="col">Last sign-in</th>
          </tr>
        </thead>
        <tbody>
          {p.users.map((u) => {
            const v = userOf(u);
            return (
              <tr>
                <td>
                  <a href={userPath(u)}>{u.username}</a>
                </td>
                <td>{u.displayName || "-"}</td>
                <td>{u.source === "local" ? "this hub" : u.source}</td>
                <td>{rolesText(v) === "-" ? "none" : rolesText(v)}</td>
                <td>{u.totpEnabled ? "TOTP" : "-"}</td>
                <td>{statusText(v)}</td>
                <td>{when(u.lastSignInAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Groups(p: { portal: PortalContext; groups: SiteGroup[]; sites: SiteSummary[] }) {
  return (
    <section class="card" aria-labelledby="groups-h">
      <h2 id="groups-h">Site groups</h2>
      <p class="hint">A role granted on a group applies on each of its sites.</p>
      {p.groups.length === 0 ? (
        <p>No site groups yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Group</th>
                <th scope="col">Sites</th>
              </tr>
            </thead>
            <tbody>
              {p.groups.map((g) => (
                <tr>
                  <td>{g.name}</td>
                  <td>{g.siteNames.join(", ") || "none"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form class="stack" method="post" action="/users/groups">
        <CsrfField portal={p.portal} />
        <div>
          <label for="group-name">New group's name</label>
          <input id="group-name" name="name" type="text" required maxlength={100} />
        </div>
        <div>
          <button type="submit">Create the group</button>
        </div>
      </form>
      {p.groups.length > 0 && (
        <form class="stack" method="post" action="/users/groups/member">
          <h3>Add or take out a site</h3>
          <CsrfField portal={p.portal} />
          <div>
            <label for="member-group">Group</label>
            <select id="member-group" name="group">
              {p.groups.map((g) => (
                <option value={g.id}>{g.name}</option>
              ))}
            </select>
          </div>
          <div>
            <label for="member-site">Site</label>
            <select id="member-site" name="site">
              {p.sites.map((s) => (
                <option value={s.site?.id}>{s.site?.name}</option>
              ))}
            </select>
          </div>
          <div class="buttons">
            <button type="submit" name="member" value="1">
              Add to the group
            </button>
            <button type="submit" name="member" value="0" class="secondary">
              Take out of the group
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/** The page with `shown`, read fresh. */
export async function renderUsers(c: PortalCtx, shown: Shown = {}, status: FormStatus = 200): Promise<Response> {
  const portal = c.get("portal");
  const users = (await portal.api.listUsers({})).users;
  const groups = (await portal.api.listSiteGroups({})).groups;
  const sites = (await portal.api.listSites({})).sites;
  return c.html(
    <Layout portal={portal} title="People" path="/users">
      <h1>People</h1>
      {shown.ok && <Notice kind="ok">{shown.ok}</Notice>}
      {shown.error && <Notice kind="error">{shown.error}</Notice>}
      <UserTable users={users} />
      <section class="card" aria-labelledby="new-h">
        <h2 id="new-h">Add a person</h2>
        <form class="stack" method="post" action="/users">
          <CsrfField portal={portal} />
          <div>
            <label for="new-username">Username</label>
            <input id="new-username" name="username" type="text" required maxlength={64} autocomplete="off" />
          </div>
          <div>
            <label for="new-display">Name <span class="hint">(optional)</span></label>
            <input id="new-display" name="display_name" type="text" maxlength={200} />
          </div>
          <div>
            <label for="new-email">E-mail <span class="hint">(optional)</span></label>
            <input id="new-email" name="email" type="email" maxlength={200} />
          </div>
          <div>
            <label for="new-password">
              First password <span class="hint">(at least 12 characters; tell it to them by another channel, they change it)</span>
            </label>
            <input id="new-password" name="password" type="password" required minlength={12} autocomplete="new-password" />
          </div>
          <div>
            <label for="new-password2">First password again</label>
            <input id="new-password2" name="password2" type="password" required minlength={12} autocomplete="new-password" />
          </div>
          <div>
            <button type="submit">Add the person</button>
          </div>
        </form>
      </section>
      <Groups portal={portal} groups={groups} sites={sites} />
    </Layout>,
    status,
  );
}

/** GET /users */
export const getUsers = (c: PortalCtx) => renderUsers(c);

const render = (c: PortalCtx) => (shown: Shown, status?: FormStatus) => renderUsers(c, shown, status);

/** POST /users: a new local account with its first password. */
export const postCreateUser = (c: PortalCtx) =>
  runChange(render(c), async () => {
    const f = await fields(c, ["username", "display_name", "email", "password", "password2"], 1000);
    if (f.password !== f.password2) return { error: "The two passwords differ; type them again." };
    const { user } = await c.get("portal").api.createUser({ username: f.username!.trim(), displayName: f.display_name!.trim(), email: f.email!.trim(), password: f.password! });
    return { ok: `${user?.username} added. Without a role they may do nothing: grant one on their page.` };
  });

/** POST /users/groups: a new site group. */
export const postCreateGroup = (c: PortalCtx) =>
  runChange(render(c), async () => {
    const f = await fields(c, ["name"], 200);
    const { group } = await c.get("portal").api.createSiteGroup({ name: f.name!.trim() });
    return { ok: `Site group ${group?.name} created. Add its sites below.` };
  });

/** POST /users/groups/member: a site into or out of a group. */
export const postGroupMember = (c: PortalCtx) =>
  runChange(render(c), async () => {
    const f = await fields(c, ["group", "site", "member"], 200);
    const member = f.member === "1";
    const { group } = await c.get("portal").api.setSiteGroupMember({ siteGroup: f.group!, site: f.site!, member });
    return { ok: `Site group ${group?.name} now has ${group?.siteNames.length ? group.siteNames.join(", ") : "no sites"}.` };
  });
