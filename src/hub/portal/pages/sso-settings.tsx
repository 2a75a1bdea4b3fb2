/** @jsxImportSource hono/jsx */
/**
 * The single sign-on part of the settings page: the OpenID Connect issuer,
 * the LDAP directory and the role mapping, as GetSsoConfig answers them
 * (secrets as "<secret>", never put in a form: an empty secret field keeps
 * the hub's). Posted to settings-actions.ts.
 */
import type { SiteGroup } from "../../../gen/dca/v1/admin_people_pb.ts";
import type { SiteSummary } from "../../../gen/dca/v1/admin_sites_pb.ts";
import { CsrfField, Notice } from "../layout.tsx";
import type { PortalContext } from "../portal-context.ts";
import { RoleFields } from "./role-fields.tsx";

/** One line of the role mapping as the hub keeps it. */
export interface MappingEntry {
  group: string;
  role: string;
  site?: string;
  siteGroup?: string;
}

/** What the SSO section shows: the settings, or the RPC's refusal to read them. */
export type SsoShown =
  | { refused?: undefined; oidc?: Record<string, unknown>; ldap?: Record<string, unknown>; mapping: MappingEntry[]; sites: SiteSummary[]; groups: SiteGroup[] }
  | { refused: string };

const str = (v: unknown) => (typeof v === "string" ? v : "");

/** A text input with its label. */
function Text(p: { id: string; name: string; label: string; value?: string; required?: boolean; hint?: string; type?: string }) {
  return (
    <div>
      <label for={p.id}>
        {p.label} {p.hint && <span class="hint">{p.hint}</span>}
      </label>
      <input id={p.id} name={p.name} type={p.type ?? "text"} value={p.value ?? ""} required={p.required} maxlength={2048} autocomplete="off" />
    </div>
  );
}

/** A form posting one button (hidden fields as given). */
function Button(p: { portal: PortalContext; action: string; label: string; hidden: Record<string, string>; aria?: string }) {
  return (
    <form method="post" action={p.action} class="inline">
      <CsrfField portal={p.portal} />
      {Object.entries(p.hidden).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class="secondary" aria-label={p.aria}>
        {p.label}
      </button>
    </form>
  );
}

const secretHint = (set: boolean) => (set ? "(set; leave empty to keep it)" : "(not set)");

/** The section. */
export function SsoSection(p: { portal: PortalContext; sso: SsoShown }) {
  const s = p.sso;
  if (s.refused !== undefined) {
    return (
      <section class="card" aria-labelledby="sso-h">
        <h2 id="sso-h">Single sign-on</h2>
        <Notice kind="error">{s.refused}</Notice>
      </section>
    );
  }
  const o = s.oidc ?? {};
  const l = s.ldap ?? {};
  return (
    <section class="card" aria-labelledby="sso-h">
      <h2 id="sso-h">Single sign-on</h2>
      <h3>OpenID Connect {s.oidc ? "(on)" : "(off)"}</h3>
      <form class="stack" method="post" action="/settings/oidc">
        <CsrfField portal={p.portal} />
        <Text id="oidc-issuer" name="issuer" label="Issuer URL" value={str(o.issuer)} required />
        <Text id="oidc-client" name="client_id" label="Client id" value={str(o.clientId)} required />
        <Text id="oidc-secret" name="client_secret" label="Client secret" type="password" hint={secretHint(!!s.oidc)} />
        <Text id="oidc-groups" name="groups_claim" label="Groups claim" value={str(o.groupsClaim)} hint="(default groups)" />
        <Text id="oidc-username" name="username_claim" label="Username claim" value={str(o.usernameClaim)} hint="(default preferred_username)" />
        <Text id="oidc-scopes" name="scopes" label="Scopes" value={str(o.scopes)} hint="(default openid profile email)" />
        <Text id="oidc-ca" name="ca_file" label="CA file on the hub's machine" value={str(o.caFile)} hint="(a PEM path; empty: the system's CAs)" />
        <div class="buttons">
          <button type="submit">Save OpenID Connect</button>
          {s.oidc && (
            <button type="submit" name="off" value="1" class="danger">
              Turn OpenID Connect off
            </button>
          )}
        </div>
      </form>
      <h3>LDAP / Active Directory {s.ldap ? "(on)" : "(off)"}</h3>
      <form class="stack" method="post" action="/settings/ldap">
        <CsrfField portal={p.portal} />
        <Text id="ldap-url" name="url" label="Server URL" value={str(l.url)} required hint="(ldaps://host, or ldap://host with StartTLS)" />
        <div>
          <input id="ldap-starttls" name="start_tls" type="checkbox" value="1" checked={l.startTls === true} />{" "}
          <label for="ldap-starttls" class="inline">
            StartTLS
          </label>
        </div>
        <Text id="ldap-bind" name="bind_dn" label="Bind DN" value={str(l.bindDn)} required />
        <Text id="ldap-password" name="bind_password" label="Bind password" type="password" hint={secretHint(!!s.ldap)} />
        <Text id="ldap-users" name="user_base" label="Users under" value={str(l.userBase)} required />
        <Text id="ldap-user-filter" name="user_filter" label="User filter" value={str(l.userFilter)} hint="(with {username})" />
        <Text id="ldap-groups" name="group_base" label="Groups under" value={str(l.groupBase)} />
        <Text id="ldap-group-filter" name="group_filter" label="Group filter" value={str(l.groupFilter)} hint="(with {dn})" />
        <Text id="ldap-ca" name="ca_file" label="CA file on the hub's machine" value={str(l.caFile)} />
        <div class="buttons">
          <button type="submit">Save LDAP</button>
          {s.ldap && (
            <button type="submit" name="off" value="1" class="danger">
              Turn LDAP off
            </button>
          )}
        </div>
      </form>
      <h3>Role mapping</h3>
      {s.mapping.length === 0 ? (
        <p>None: single sign-on gives nobody a role yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Directory group</th>
                <th scope="col">Role</th>
                <th scope="col">Where</th>
                <th scope="col">
                  <span class="sr-only">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {s.mapping.map((e, i) => (
                <tr>
                  <td>{e.group}</td>
                  <td>{e.role}</td>
                  <td>{e.site ? `site ${e.site}` : e.siteGroup ? `group ${e.siteGroup}` : "everywhere"}</td>
                  <td>
                    <Button portal={p.portal} action="/settings/mapping/remove" label="Remove" hidden={{ index: String(i), group: e.group }} aria={`Remove the mapping of ${e.group}`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form class="stack" method="post" action="/settings/mapping">
        <CsrfField portal={p.portal} />
        <Text id="map-group" name="group" label="Directory group (name or DN)" required />
        <RoleFields idPrefix="map" sites={s.sites} groups={s.groups} by="name" />
        <div>
          <button type="submit">Add to the mapping</button>
        </div>
      </form>
    </section>
  );
}
