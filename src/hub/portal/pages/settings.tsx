/** @jsxImportSource hono/jsx */
/**
 * The hub's settings (/settings): sign-in and audit security settings
 * (GetSecuritySettings for whoever may read people; only an owner's
 * SetSecuritySettings goes through) and single sign-on: the OpenID Connect
 * issuer, the LDAP directory and the role mapping (GetSsoConfig, owners
 * only: for anyone else the section shows the RPC's refusal). Secrets are
 * write-only: the forms never hold them, and an empty secret field keeps
 * the one the hub has. The forms' handlers are in settings-actions.ts.
 */
import { DcaError } from "../../../common/errors.ts";
import type { SecuritySettings } from "../../../gen/dca/v1/admin_people_pb.ts";
import { CsrfField, Layout, Notice } from "../layout.tsx";
import type { PortalContext, PortalCtx } from "../portal-context.ts";
import { type FormStatus, type Shown } from "./run-change.ts";
import { SsoSection, type SsoShown } from "./sso-settings.tsx";

/** The numeric security settings: form field, label, request field and message key. */
export const NUMBER_SETTINGS = [
  ["lockout_attempts", "Failed sign-ins in a row that lock an account", "lockoutAttempts"],
  ["lockout_minutes", "Minutes an account stays locked (0: until an admin unlocks)", "lockoutMinutes"],
  ["inactivity_days", "Days unused after which an account is disabled", "inactivityDays"],
  ["session_hours", "Hours a session lasts after sign-in", "sessionHours"],
  ["session_idle_minutes", "Minutes unused after which a session ends", "sessionIdleMinutes"],
  ["audit_retention_days", "Days audit records are kept", "auditRetentionDays"],
] as const;

function SecurityForm(p: { portal: PortalContext; s: SecuritySettings }) {
  return (
    <section class="card" aria-labelledby="sec-h">
      <h2 id="sec-h">Sign-in and audit</h2>
      <p class="hint">Only an owner may change these.</p>
      <form class="stack" method="post" action="/settings/security">
        <CsrfField portal={p.portal} />
        <div>
          <input id="require-2fa" name="require_2fa" type="checkbox" value="1" checked={p.s.require2fa} />{" "}
          <label for="require-2fa" class="inline">
            Require two-factor sign-in <span class="hint">(every local account enrols TOTP before doing anything else)</span>
          </label>
        </div>
        {NUMBER_SETTINGS.map(([name, label, key]) => (
          <div>
            <label for={`set-${name}`}>{label}</label>
            <input id={`set-${name}`} name={name} type="number" min={0} max={4294967295} required value={String(p.s[key])} />
          </div>
        ))}
        <div>
          <button type="submit">Save the settings</button>
        </div>
      </form>
    </section>
  );
}

/** The page with `shown`, read fresh. */
export async function renderSettings(c: PortalCtx, shown: Shown = {}, status: FormStatus = 200): Promise<Response> {
  const portal = c.get("portal");
  const settings = (await portal.api.getSecuritySettings({})).settings!;
  let sso: SsoShown;
  try {
    const r = await portal.api.getSsoConfig({});
    const [{ sites }, { groups }] = [await portal.api.listSites({}), await portal.api.listSiteGroups({})];
    sso = { oidc: r.oidcJson ? JSON.parse(r.oidcJson) : undefined, ldap: r.ldapJson ? JSON.parse(r.ldapJson) : undefined, mapping: r.roleMappingJson ? JSON.parse(r.roleMappingJson) : [], sites, groups };
  } catch (e) {
    // Single sign-on is the owners': anyone else reads the rest of the page and the RPC's refusal here.
    const err = DcaError.from(e);
    if (err.code !== "permission-denied") throw e;
    sso = { refused: err.message };
  }
  return c.html(
    <Layout portal={portal} title="Settings" path="/settings">
      <h1>Hub settings</h1>
      {shown.ok && <Notice kind="ok">{shown.ok}</Notice>}
      {shown.error && <Notice kind="error">{shown.error}</Notice>}
      <SecurityForm portal={portal} s={settings} />
      <SsoSection portal={portal} sso={sso} />
      <p>
        Your own API tokens: <a href="/account/tokens">My API tokens</a>.
      </p>
    </Layout>,
    status,
  );
}

/** GET /settings */
export const getSettings = (c: PortalCtx) => renderSettings(c);
