/**
 * Where the hub keeps its single sign-on configuration: three hub settings
 * (hub_settings, JSON), each checked when read, so a value edited by hand or
 * left by an older version is refused with the setting's name rather than
 * half used. Secrets are stored as plain strings (revealSecrets) and become
 * Secrets again on reading; the database file is 0600, as for SNMP secrets.
 */
import { DcaError } from "../../common/errors.ts";
import { type RoleMapping, parseRoleMapping } from "./map-groups.ts";
import { type LdapConfig, type OidcConfig, parseLdapConfig, parseOidcConfig } from "./sso-config.ts";

/** The hub_settings keys of the SSO configuration. */
export const SSO_SETTING_KEYS = Object.freeze({
  /** An OidcConfig: the OpenID Connect issuer people sign in through (absent: no OIDC sign-in). */
  oidc: "sso.oidc",
  /** An LdapConfig: the directory passwords are checked against for names that are not local users (absent: none). */
  ldap: "sso.ldap",
  /** A RoleMapping: which provider groups get which role (absent: nobody gets one). */
  roleMapping: "sso.role_mapping",
} as const);

/** The SSO configuration as read from the settings, each part checked at each read. */
export interface SsoSettings {
  oidc(): OidcConfig | undefined;
  ldap(): LdapConfig | undefined;
  roleMapping(): RoleMapping;
}

/** Reads and checks one setting; a value that does not check out is a failed-precondition naming the key. */
function readChecked<T>(getSetting: (key: string) => unknown, key: string, parse: (raw: unknown) => T): T | undefined {
  const raw = getSetting(key);
  if (raw === undefined || raw === null) return undefined;
  try {
    return parse(raw);
  } catch (e) {
    // ConfigError messages name fields, never values: no secret can leak from here.
    throw new DcaError("failed-precondition", `the hub's SSO setting ${key} cannot be used (${DcaError.from(e).message}); an owner must set it again`, {
      cause: e,
      reason: "sso-config",
    });
  }
}

/** The SSO settings over the store's getSetting. */
export function ssoSettingsOf(store: { getSetting(key: string): unknown }): SsoSettings {
  const get = (key: string) => store.getSetting(key);
  return {
    oidc: () => readChecked(get, SSO_SETTING_KEYS.oidc, parseOidcConfig),
    ldap: () => readChecked(get, SSO_SETTING_KEYS.ldap, parseLdapConfig),
    roleMapping: () => readChecked(get, SSO_SETTING_KEYS.roleMapping, parseRoleMapping) ?? [],
  };
}
