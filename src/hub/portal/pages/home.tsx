/** @jsxImportSource hono/jsx */
/**
 * The start page, a placeholder until the fleet overview of wave 2 takes
 * its place: who is signed in (WhoAmI), their roles, and the links there are.
 */
import { Layout } from "../layout.tsx";
import type { PageResult } from "../page.ts";
import type { PortalCtx } from "../portal-context.ts";

/** GET / */
export function getHome(c: PortalCtx): PageResult {
  const portal = c.get("portal");
  const user = portal.me!.user!;
  const grants = user.grants.map((g) => `${g.role} ${g.siteName ? `on site ${g.siteName}` : g.siteGroupName ? `on group ${g.siteGroupName}` : "everywhere"}`);
  return (
    <Layout portal={portal} title="Home" path="/">
      <h1>Welcome, {user.displayName || user.username}</h1>
      <section class="card" aria-labelledby="me-h">
        <h2 id="me-h">You</h2>
        <dl class="facts">
          <dt>Username</dt>
          <dd>{user.username}</dd>
          <dt>Roles</dt>
          <dd>{grants.length ? grants.join("; ") : "none yet: ask an owner for a role"}</dd>
          <dt>Two-factor sign-in</dt>
          <dd>{user.totpEnabled ? "on" : "off"}</dd>
          <dt>Signed in through</dt>
          <dd>{user.source === "local" ? "this hub" : user.source}</dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="links-h">
        <h2 id="links-h">Where to go</h2>
        <ul>
          <li>
            <a href="/account/security">My security</a>: password, two-factor sign-in, sessions
          </li>
        </ul>
        <p class="hint">The fleet, devices, tasks and billing pages come here as they are added.</p>
      </section>
    </Layout>
  );
}
