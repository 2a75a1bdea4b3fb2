/** The hub's store: the narrow interfaces its users take, and the embedded SQLite implementation (bun:sqlite). */
export { openHubStore, type HubStoreOptions, type SqliteHubStore } from "./open-hub-store.ts";
export { StoreError } from "./store-error.ts";
export { HUB_DB_FILE } from "./schema.ts";
export { DEFAULT_CODE_TTL_MS, MAX_FAILED_ATTEMPTS, MAX_GUESS_ONLY_INSTALLS, PRUNE_INSTALLS_AFTER_MS } from "./activation.ts";
export { MAX_RESULT_BYTES, SENT_TIMEOUT_MS } from "./tasks.ts";
export { JUMP_MIN_PAGES, JUMP_PAGES_PER_DAY, LOOKBACK_MS, LOOKBACK_READINGS } from "./counter-flags.ts";
export { SESSION_TOKEN_PREFIX, TOUCH_EVERY_MS } from "./user-sessions.ts";
export { API_TOKEN_PREFIX, API_TOKEN_SCOPES, MAX_API_TOKEN_LIFETIME_MS } from "./api-tokens.ts";
export { DEFAULT_SECURITY_SETTINGS } from "./hub-settings.ts";
export { MAX_USERNAME, checkUsername, type NewUser, type User, type UserSecrets } from "./users.ts";
export type {
  AccountStore,
  AdminStore,
  AlertStore,
  AgentAdminStore,
  AgentApiStore,
  ApiTokenStore,
  AuditLogStore,
  DeviceAdminStore,
  HubSettingsStore,
  HubStore,
  MeterHistoryStore,
  ReleaseStore,
  SiteAdminStore,
  TaskAdminStore,
  UserSessionStore,
  WakeStore,
  WebAccessStore,
} from "./hub-store.ts";
export type { NewWebAccessSession, WebAccessUse } from "./web-access-sessions.ts";
export { DEVICE_SORTS, MAX_FACET_VALUES, type DeviceQuery, type DeviceSortKey, type Facet } from "./device-query.ts";
export { DEVICE_HEALTHS, type DeviceHealthName, deviceHealth } from "./device-health.ts";
export type { SiteAgentCounts, SiteCut, SiteDeviceCounts, SiteTaskCounts } from "./fleet-counts.ts";
export type { FleetViewStore } from "./fleet-view-store.ts";
export { MAX_ADDRESSES, type AddressSeen, type MeterDay } from "./device-history.ts";
export type { NewRelease } from "./releases.ts";
export {
  BOUNDARY_READINGS,
  MAX_RESETS_FOLLOWED,
  REPLACEMENT_GAP_MS,
  type DeviceMeterHistory,
  type MeterCursor,
  type MeterDevice,
  type MeterJump,
  type MeterNeighbour,
  type MeterPeriod,
  type MeterReading,
} from "./meter-history.ts";
export type { RoleGrantStore, StoredGrant, StoredSiteGroup } from "./role-grants.ts";
export type { NewUserSession, RevokeBy, SessionMethod, UserSession } from "./user-sessions.ts";
export type { ApiToken, ApiTokenScope, NewApiToken } from "./api-tokens.ts";
export type { SecuritySettings } from "./hub-settings.ts";
export { MAX_SIGN_IN_LINKS, type MintedCode, type PortalCodeStore } from "./portal-codes.ts";
export { AUDIT_LIST_DEFAULT, AUDIT_LIST_MAX, type AuditActor, type AuditPruneResult, type NewAuditRecord } from "./audit-log.ts";
export { AUDIT_ANCHOR_KEY, type AuditFilter, type AuditListOptions, type AuditRecord, type AuditVerifyResult } from "./audit-record.ts";
export {
  AUDIT_OUTCOMES,
  AUDIT_ZERO_HASH,
  type AuditAnchor,
  type AuditChainOptions,
  type AuditOutcome,
  type AuditProblem,
  type AuditProblemKind,
  type AuditRow,
  auditHash,
  createAuditChainChecker,
} from "./audit-chain.ts";
export { AUDIT_MAX_DETAIL_BYTES, AUDIT_MAX_STRING, AUDIT_TRUNCATED_KEY, auditText, canonicalDetail } from "./audit-detail.ts";
export type {
  ActivateFailure,
  ActivateRequest,
  ActivateResult,
  Agent,
  CounterFlag,
  DeviceSummary,
  Install,
  PollInfo,
  Release,
  Site,
  SshKeyRegistration,
  StoreReadingsResult,
  StoredReading,
  StoredTask,
  TaskKind,
  TaskState,
  UpdateChannel,
  UpdatePolicy,
  CertificateFacts,
  WebAccessSession,
} from "./types.ts";
export { MAX_ALERT_CHANNELS, MAX_ALERT_RULES } from "./alert-config.ts";
export { MAX_ALERT_LIST, type AlertListOptions, type RuleEvaluation } from "./alert-instances.ts";
export {
  ALERT_CHANNEL_KINDS,
  ALERT_RULE_KINDS,
  subjectKindOf,
  type AlertChannel,
  type AlertChannelInput,
  type AlertChannelKind,
  type AlertDelivery,
  type AlertEvent,
  type AlertRule,
  type AlertRuleKind,
  type ChannelForSending,
  type ChannelSettings,
  type DeliveryOutcome,
  type DeliveryState,
  type DueDelivery,
  type NewAlertRule,
  type SmtpSecurity,
  type SmtpSettings,
  type StoredAlert,
  type WebhookSettings,
} from "./alert-types.ts";
export { ERROR_BITS, inError, worstSupply, type SupplyCondition } from "./device-condition.ts";
