/** The hub's store: the narrow interfaces its users take, and the embedded SQLite implementation (bun:sqlite). */
export { openHubStore, type HubStoreOptions, type SqliteHubStore } from "./open-hub-store.ts";
export { StoreError } from "./store-error.ts";
export { HUB_DB_FILE } from "./schema.ts";
export { DEFAULT_CODE_TTL_MS, MAX_FAILED_ATTEMPTS, MAX_GUESS_ONLY_INSTALLS, PRUNE_INSTALLS_AFTER_MS } from "./activation.ts";
export { MAX_RESULT_BYTES, SENT_TIMEOUT_MS } from "./tasks.ts";
export { JUMP_MIN_PAGES, JUMP_PAGES_PER_DAY } from "./counter-flags.ts";
export { MAX_USERNAME, checkUsername, type NewUser, type User, type UserSecrets } from "./users.ts";
export type {
  AccountStore,
  AdminStore,
  AgentAdminStore,
  AgentApiStore,
  DeviceAdminStore,
  HubStore,
  ReleaseStore,
  SiteAdminStore,
  TaskAdminStore,
  WakeStore,
  WebAccessStore,
} from "./hub-store.ts";
export type { NewWebAccessSession, WebAccessUse } from "./web-access-sessions.ts";
export type { NewRelease } from "./releases.ts";
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
