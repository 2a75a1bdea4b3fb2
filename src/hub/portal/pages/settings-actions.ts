/**
 * The forms of the settings page (settings.tsx, sso-settings.tsx): the
 * security settings (SetSecuritySettings) and single sign-on (SetSsoConfig,
 * one part at a time, as `dca-hub sso` sends them). An empty secret field
 * sends "<secret>", which keeps the hub's secret; the hub checks every
 * document and its refusal is shown as worded.
 */
import { SECRET_MARK } from "../../../common/secret.ts";
import type { PortalCtx } from "../portal-context.ts";
import { type FormStatus, type Shown, fields, runChange } from "./run-change.ts";
import { NUMBER_SETTINGS, renderSettings } from "./settings.tsx";
import type { MappingEntry } from "./sso-settings.tsx";

const render = (c: PortalCtx) => (shown: Shown, status?: FormStatus) => renderSettings(c, shown, status);

/** The optional fields given (non-empty), under their config names. */
const given = (f: Record<string, string>, names: Record<string, string>) =>
  Object.fromEntries(Object.entries(names).flatMap(([field, key]) => (f[field]!.trim() ? [[key, f[field]!.trim()]] : [])));

/** POST /settings/security: every setting as the form has it. */
export const postSecuritySettings = (c: PortalCtx) =>
  runChange(render(c), async () => {
    const f = await fields(c, ["require_2fa", ...NUMBER_SETTINGS.map(([name]) => name)], 20);
    const settings: Record<string, number | boolean> = { require2fa: f.require_2fa === "1" };
    for (const [name, label, key] of NUMBER_SETTINGS) {
      const n = Number(f[name]);
      if (!/^\d{1,10}$/.test(f[name]!.trim()) || n > 0xffff_ffff) return { error: `${label}: give a whole number, 0 or more.` };
      settings[key] = n;
    }
    await c.get("portal").api.setSecuritySettings({ settings, fields: ["require_2fa", ...NUMBER_SETTINGS.map(([name]) => name)] });
    return { ok: "Security settings saved." };
  });

/** POST /settings/oidc: the issuer (or off). */
export const postOidc = (c: PortalCtx) =>
  runChange(render(c), async () => {
    const f = await fields(c, ["off", "issuer", "client_id", "client_secret", "groups_claim", "username_claim", "scopes", "ca_file"]);
    const api = c.get("portal").api;
    if (f.off === "1") {
      await api.setSsoConfig({ oidcJson: "-" });
      return { ok: "OpenID Connect sign-in is off." };
    }
    const doc = {
      issuer: f.issuer!.trim(),
      clientId: f.client_id!.trim(),
      clientSecret: f.client_secret || SECRET_MARK,
      ...given(f, { groups_claim: "groupsClaim", username_claim: "usernameClaim", scopes: "scopes", ca_file: "caFile" }),
    };
    await api.setSsoConfig({ oidcJson: JSON.stringify(doc) });
    return { ok: `OpenID Connect sign-in saved: issuer ${doc.issuer}, client secret ${f.client_secret ? "set" : "kept"}.` };
  });

/** POST /settings/ldap: the directory (or off). */
export const postLdap = (c: PortalCtx) =>
  runChange(render(c), async () => {
    const f = await fields(c, ["off", "url", "start_tls", "bind_dn", "bind_password", "user_base", "user_filter", "group_base", "group_filter", "ca_file"]);
    const api = c.get("portal").api;
    if (f.off === "1") {
      await api.setSsoConfig({ ldapJson: "-" });
      return { ok: "LDAP sign-in is off." };
    }
    const doc = {
      url: f.url!.trim(),
      startTls: f.start_tls === "1",
      bindDn: f.bind_dn!.trim(),
      bindPassword: f.bind_password || SECRET_MARK,
      userBase: f.user_base!.trim(),
      ...given(f, { user_filter: "userFilter", group_base: "groupBase", group_filter: "groupFilter", ca_file: "caFile" }),
    };
    await api.setSsoConfig({ ldapJson: JSON.stringify(doc) });
    return { ok: `LDAP sign-in saved: ${doc.url}, bind password ${f.bind_password ? "set" : "kept"}.` };
  });

/** The role mapping as the hub has it now. */
async function mappingOf(c: PortalCtx): Promise<MappingEntry[]> {
  const json = (await c.get("portal").api.getSsoConfig({})).roleMappingJson;
  return json ? (JSON.parse(json) as MappingEntry[]) : [];
}

/** POST /settings/mapping: a group's role (replacing the same group's line for the same place). */
export const postMapping = (c: PortalCtx) =>
  runChange(render(c), async () => {
    const f = await fields(c, ["group", "role", "where"], 1000);
    const group = f.group!.trim();
    const [kind, name] = f.where!.includes(":") ? [f.where!.slice(0, f.where!.indexOf(":")), f.where!.slice(f.where!.indexOf(":") + 1)] : ["", ""];
    const entry: MappingEntry = { group, role: f.role!, ...(kind === "site" && { site: name }), ...(kind === "group" && { siteGroup: name }) };
    const same = (e: MappingEntry) => e.group.toLowerCase() === group.toLowerCase() && e.site === entry.site && e.siteGroup === entry.siteGroup;
    const mapping = [...(await mappingOf(c)).filter((e) => !same(e)), entry];
    await c.get("portal").api.setSsoConfig({ roleMappingJson: JSON.stringify(mapping) });
    return { ok: `Members of ${group} get ${entry.role} ${entry.site ? `on site ${entry.site}` : entry.siteGroup ? `on group ${entry.siteGroup}` : "everywhere"} at their next single sign-on.` };
  });

/** POST /settings/mapping/remove: one line (its index, checked against its group). */
export const postMappingRemove = (c: PortalCtx) =>
  runChange(render(c), async () => {
    const f = await fields(c, ["index", "group"], 1000);
    const before = await mappingOf(c);
    const i = Number(f.index);
    // The index is checked against the group: the mapping may have changed since the page was read.
    if (!Number.isInteger(i) || before[i]?.group !== f.group) return { error: "The role mapping changed since this page was read; look at it again and retry." };
    const after = before.filter((_, j) => j !== i);
    await c.get("portal").api.setSsoConfig({ roleMappingJson: after.length ? JSON.stringify(after) : "-" });
    return { ok: `The mapping of ${f.group} is removed; its members lose that role at their next single sign-on.` };
  });
