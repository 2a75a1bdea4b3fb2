/** Single sign-on for the hub: OpenID Connect and LDAP/Active Directory sign-ins, and their groups mapped to roles. */
export {
  type LdapConfig,
  type OidcConfig,
  SSO_DEFAULTS,
  isLoopbackUrl,
  parseLdapConfig,
  parseOidcConfig,
  revealSecrets,
} from "./sso-config.ts";
export {
  type ExternalIdentity,
  type Grant,
  type RoleMapping,
  type RoleMappingEntry,
  SSO_ROLES,
  type SsoRole,
  externalIdentity,
  mapGroups,
  parseRoleMapping,
  requireGrants,
} from "./map-groups.ts";
export { SIGN_IN_REFUSED, type SignInRefusal, isRefusal, ldapSignIn } from "./ldap-sign-in.ts";
export { type OidcPending, type OidcStart, finishOidc, startOidc } from "./oidc-sign-in.ts";
export { type OidcPendingOptions, type OidcPendingStore, createOidcPendingStore } from "./oidc-pending.ts";
export { escapeFilterValue, fillFilter } from "./ldap-filter.ts";
export { SSO_SETTING_KEYS, type SsoSettings, ssoSettingsOf } from "./sso-settings.ts";
