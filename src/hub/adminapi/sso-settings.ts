/**
 * The hub's single sign-on settings as AdminService shows and takes them:
 * JSON documents checked by src/hub/sso before they are kept in hub_settings
 * (the keys sign-in reads), secrets kept as they are and shown as `<secret>`.
 * An owner changing one field of an OIDC or LDAP config sends the document
 * back with `<secret>` where the secret was: the stored secret stays, so a
 * secret need never travel again just to change a URL.
 */
import { DcaError } from "../../common/errors.ts";
import { SECRET_MARK } from "../../common/secret.ts";
import { type RoleMapping, parseLdapConfig, parseOidcConfig, parseRoleMapping, revealSecrets } from "../sso/index.ts";
import { readCaFile } from "../sso/tls-trust.ts";
import { StoreError } from "../store/index.ts";
import type { HubSettingsStore, RoleGrantStore, SiteAdminStore } from "../store/index.ts";

/** The hub_settings keys of the SSO settings (sign-in reads them under these names). */
export const SSO_KEYS = { oidc: "sso.oidc", ldap: "sso.ldap", roleMapping: "sso.role_mapping" } as const;

/** One part of the SSO settings. */
export type SsoPart = keyof typeof SSO_KEYS;

/** Each provider config's secret field and what to call it. */
const SECRETS: Record<Exclude<SsoPart, "roleMapping">, { field: string; words: string }> = {
  oidc: { field: "clientSecret", words: "client secret" },
  ldap: { field: "bindPassword", words: "bind password" },
};

const WHAT: Record<SsoPart, string> = { oidc: "the OIDC configuration", ldap: "the LDAP configuration", roleMapping: "the SSO role mapping" };

/** What the SSO settings need of the store. */
export type SsoSettingsStore = Pick<HubSettingsStore, "getSetting" | "setSetting"> & Pick<SiteAdminStore, "getSite"> & Pick<RoleGrantStore, "getSiteGroup">;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A stored part as JSON text with its secret shown as `<secret>` ("" when none is stored). */
export function shownSsoPart(store: SsoSettingsStore, part: SsoPart): string {
  const stored = store.getSetting(SSO_KEYS[part]);
  if (stored === undefined) return "";
  const secret = part === "roleMapping" ? undefined : SECRETS[part].field;
  const shown = isObject(stored) && secret && secret in stored ? { ...stored, [secret]: SECRET_MARK } : stored;
  return JSON.stringify(shown, null, 2);
}

/**
 * The value to keep for one part given as JSON text (checked; `<secret>` keeps the stored
 * secret), or undefined for "-" (remove it). Throws naming what is wrong, never a value.
 */
export function nextSsoPart(store: SsoSettingsStore, part: SsoPart, json: string): unknown {
  if (json.trim() === "-") return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new DcaError("invalid-argument", `${WHAT[part]} is not JSON; give a JSON document, or "-" to remove it`);
  }
  try {
    return checkedPart(store, part, raw);
  } catch (e) {
    // The document is the request's: a refusal of it is the caller's to fix, not the hub's config.
    if (e instanceof DcaError && e.code === "invalid-config") throw new DcaError("invalid-argument", e.message, { cause: e });
    throw e;
  }
}

/** The part checked, ready to keep. */
function checkedPart(store: SsoSettingsStore, part: SsoPart, raw: unknown): unknown {
  if (part === "roleMapping") return checkSites(store, parseRoleMapping(raw));
  const { field, words } = SECRETS[part];
  if (isObject(raw) && raw[field] === SECRET_MARK) {
    const stored = store.getSetting(SSO_KEYS[part]);
    if (!isObject(stored) || typeof stored[field] !== "string") throw new DcaError("invalid-argument", `no ${words} is stored yet; give it`);
    raw = { ...raw, [field]: stored[field] };
  }
  const config = part === "oidc" ? parseOidcConfig(raw) : parseLdapConfig(raw);
  // The file is read again at each sign-in; reading it now turns a wrong path into an answer today.
  if (config.caFile) readCaFile(config.caFile, "caFile");
  return revealSecrets(config);
}

/** The mapping, once every site and site group it names exists. */
function checkSites(store: SsoSettingsStore, mapping: RoleMapping): RoleMapping {
  for (const e of mapping) {
    if (e.site !== undefined && !store.getSite(e.site)) {
      throw new StoreError("not-found", `the SSO role mapping of group "${e.group}" names an unknown site "${e.site}"; see "dca-hub site list"`);
    }
    if (e.siteGroup !== undefined && !store.getSiteGroup(e.siteGroup)) {
      throw new StoreError("not-found", `the SSO role mapping of group "${e.group}" names an unknown site group "${e.siteGroup}"; see "dca-hub group list"`);
    }
  }
  return mapping;
}

/** What the audit record says of a part's change: where it points, never its secret. */
export function ssoChangeNote(part: SsoPart, value: unknown): string {
  if (value === undefined) return "removed";
  if (part === "roleMapping") return `${(value as unknown[]).length} entries`;
  const v = value as Record<string, unknown>;
  return `set (${String(part === "oidc" ? v.issuer : v.url)})`;
}
