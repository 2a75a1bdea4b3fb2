/**
 * The hub store seen by each of its users: a few narrow interfaces, each
 * named after the code that takes it, so that each user depends on what it
 * calls and a second implementation can be checked interface by interface
 * (test/support/hub-store-suites/). One store object satisfies them all
 * (`HubStore`); where two users need the same method, the second interface
 * picks it from the first rather than declaring it again.
 */
import type { FieldLabels } from "../../common/config/index.ts";
import type { AgentConfig, OutboxReading, ReportTaskResultRequest, Task } from "../../gen/dca/v1/agent_service_pb.ts";
import type {
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
  UpdatePolicy,
  CertificateFacts,
  WebAccessSession,
} from "./types.ts";
import type { AuditActor, AuditPruneResult, NewAuditRecord } from "./audit-log.ts";
import type { AuditFilter, AuditListOptions, AuditRecord, AuditVerifyResult } from "./audit-record.ts";
import type { NewRelease } from "./releases.ts";
import type { DeviceMeterHistory, MeterCursor, MeterDevice, MeterPeriod } from "./meter-history.ts";
import type { RoleGrantStore } from "./role-grants.ts";
import type { NewWebAccessSession, WebAccessUse } from "./web-access-sessions.ts";
import type { NewUserSession, RevokeBy, UserSession } from "./user-sessions.ts";
import type { ApiToken, NewApiToken } from "./api-tokens.ts";
import type { SecuritySettings } from "./hub-settings.ts";
import type { NewUser, User, UserSecrets } from "./users.ts";
import type { AlertChannel, AlertChannelInput, AlertDelivery, AlertRule, ChannelForSending, DeliveryOutcome, DueDelivery, NewAlertRule, StoredAlert } from "./alert-types.ts";
import type { AlertListOptions, RuleEvaluation } from "./alert-instances.ts";
import type { FleetViewStore } from "./fleet-view-store.ts";
import type { PortalCodeStore } from "./portal-codes.ts";
import type { TaskFilter } from "./tasks.ts";

/**
 * What the agent API (AgentService, and the release files it offers) needs. Methods an agent
 * triggers take the Agent and touch only its site's rows.
 */
export interface AgentApiStore extends Pick<ReleaseStore, "listReleases" | "getRelease" | "newestRevocationList" | "getUpdatePolicy"> {
  /** Exchanges a single-use code for a new agent and its secret; failures count against the install and the code. */
  activate(req: ActivateRequest): ActivateResult;
  /** The install's failed activations and reset generation (zeros for an install never seen). */
  checkLockout(installId: string): { failedAttempts: number; resetGeneration: number };
  /** The agent, if the secret is its own and it is neither disabled nor replaced. */
  authenticateAgent(agentId: string, secret: string): Agent | undefined;
  /** Keeps `key` (canonical, checked) as the agent's SSH key if it has none; "refused" when it has another. */
  registerSshKey(agentId: string, key: string): SshKeyRegistration;
  /** Records the heartbeat of one poll. */
  recordPoll(agentId: string, info: PollInfo): void;
  /** The site's agent config with its current version. */
  getSiteConfig(siteId: string): AgentConfig;
  /** Stores a batch in one transaction; ids already held are acknowledged again, not stored twice. */
  storeReadings(agent: Agent, readings: OutboxReading[]): StoreReadingsResult;
  /** Hands out the site's pending tasks (and sent ones never answered), oldest first. */
  takePendingTasks(agent: Agent, limit?: number): Task[];
  /** Task ids of the agent's web-access sessions that ended while it may still hold their tunnel (PollResponse.ended_web_access). */
  endedWebAccessTasks(agentId: string): string[];
  /**
   * Records what became of a task of the agent's site; false when the site has no such task.
   * Throws `permission-denied` when the task was given to (or is aimed at) another agent.
   */
  reportTaskResult(agent: Agent, r: ReportTaskResultRequest): boolean;
}

/** Sites and their config, for the `site` admin commands. */
export interface SiteAdminStore extends Pick<AgentApiStore, "getSiteConfig"> {
  createSite(name: string): Site;
  /** A site by id or (case-insensitive) name. */
  getSite(idOrName: string): Site | undefined;
  /** Every site, by name. */
  listSites(): Site[];
  /**
   * Applies `mutate` to the config in one transaction and gives it the next
   * version. A config the site's agents would refuse is refused
   * ("invalid-argument", fields named with `labels`) and nothing changes.
   */
  updateSiteConfig(siteId: string, mutate: (c: AgentConfig) => void, opts?: { labels?: FieldLabels }): AgentConfig;
}

/** Agents, activation codes and installs, for the `agent`, `code`, `install` and `mqtt` admin commands. */
export interface AgentAdminStore {
  createActivationCode(siteId: string, opts?: { ttlMs?: number }): { code: string; expiresAt: Date };
  /** Every agent (of one site if given), oldest first, replaced and disabled ones included. */
  listAgents(siteId?: string): Agent[];
  getAgent(id: string): Agent | undefined;
  setAgentDisabled(agentId: string, disabled: boolean): Agent;
  /** Forgets the agent's SSH key: the next key it sends is registered (an agent that lost its key). */
  resetSshKey(agentId: string): Agent;
  /** Every install that tried to activate, latest attempt first. */
  listInstalls(): Install[];
  /** Unlocks an install and starts its next reset generation. */
  resetInstall(installId: string): { resetGeneration: number };
  /** Enabled, not replaced agents with a mosquitto password hash, by id (for an external broker's password file). */
  mqttPasswordEntries(): { agentId: string; hash: string }[];
}

/** Devices, readings and counter flags, for the `device` admin commands. */
export interface DeviceAdminStore {
  /** Devices (of one site if given), by site and address. */
  listDevices(opts?: { siteId?: string }): DeviceSummary[];
  getDevice(id: string): DeviceSummary | undefined;
  /** A device's readings, newest first (100 unless told otherwise), taken at or after `since` and before `until`. */
  listReadings(deviceId: string, opts?: { limit?: number; since?: Date; until?: Date }): StoredReading[];
  /** Counter flags, newest first. */
  listCounterFlags(opts?: { deviceId?: string; siteId?: string }): CounterFlag[];
  /** Devices not read for `olderThanMs` (or never). */
  missedReads(opts: { olderThanMs: number; siteId?: string }): DeviceSummary[];
  countReadings(opts?: { siteId?: string; agentId?: string }): number;
  /** Ids of stored readings, sorted. */
  readingIds(opts?: { agentId?: string }): string[];
}

/** What a billing meter export reads (src/hub/billing computes from it; src/hub/store/meter-history.ts). */
export interface MeterHistoryStore {
  /** Devices of the sites given (or one device), by site id then id, after `after`; at most `limit`. */
  listMeterDevices(opts: { siteIds: readonly string[] | "all"; deviceId?: string; after?: MeterCursor; limit: number }): MeterDevice[];
  /** The readings billing needs of one device for a period; undefined when it was read neither in it nor on both sides of it. */
  meterHistory(device: MeterDevice, period: MeterPeriod): DeviceMeterHistory | undefined;
}

/** Tasks, for the `task` admin commands. */
export interface TaskAdminStore {
  /** Queues a task for a site (or one of its agents); its targets must lie inside the site's targets or known devices. */
  createTask(siteId: string, task: Task, opts?: { agentId?: string }): StoredTask;
  /** Tasks (of one site, or of these sites, in one state, if given), newest first, at most `limit`. */
  listTasks(opts?: TaskFilter & { limit?: number }): StoredTask[];
  /** How many tasks `listTasks` would list without a limit. */
  countTasks(opts?: TaskFilter): number;
  getTask(id: string): StoredTask | undefined;
  /** Cancels a task that has not finished (it is sent to no agent any more, a late result is dropped); the task as it now is, or undefined if unknown. */
  cancelTask(id: string): StoredTask | undefined;
}

/**
 * Releases for self-update, the root's revocation lists and each site's update policy: the
 * `release` and `site set-updates` admin commands write them, the agent API reads them (Poll's offer).
 */
export interface ReleaseStore {
  /** Adds a release, or changes the channel and URL of the one with the same SHA-256 (`added` false). */
  addRelease(r: NewRelease): { release: Release; added: boolean };
  /** Every release, newest added first. */
  listReleases(): Release[];
  getRelease(sha256: string): Release | undefined;
  /** Keeps a root-signed revocation list (checked by the caller); false when its serial is already kept. */
  addRevocationList(serial: number, list: string): boolean;
  /** The kept list with the highest serial. */
  newestRevocationList(): { serial: number; list: string } | undefined;
  /** A site's update policy ("not-found" for an unknown site). */
  getUpdatePolicy(siteId: string): UpdatePolicy;
  /** Changes the fields given; the policy as it now is. */
  setUpdatePolicy(siteId: string, change: Partial<UpdatePolicy>): UpdatePolicy;
}

/**
 * Device Web Access sessions (also the audit record): the `web-access` admin commands open,
 * list and end them; the proxy checks, counts and ends them; the relay's ForwardPolicy asks
 * whether a forward is open.
 */
export interface WebAccessStore {
  /** Opens a session and queues its task for the site's agent (one transaction); one open session per device unless `concurrent`. */
  openWebAccessSession(s: NewWebAccessSession): WebAccessSession;
  /** A session by id or host name label. */
  getWebAccessSession(idOrLabel: string): WebAccessSession | undefined;
  /** The session whose secret hashes to `hash`. */
  webAccessSessionBySecret(hash: Uint8Array): WebAccessSession | undefined;
  webAccessSecretHash(id: string): Uint8Array | undefined;
  /** Whether the agent has a session forwarding `forwardPath` that has neither ended nor expired. */
  isWebAccessForwardOpen(agentId: string, forwardPath: string): boolean;
  /** Newest first: all, the not-ended ones, or those ended since a time (ms). */
  listWebAccessSessions(opts?: { open?: boolean; endedSince?: number; siteId?: string; limit?: number }): WebAccessSession[];
  /** Ends a session (the first reason stands; a task no agent took is canceled). */
  endWebAccessSession(id: string, reason: string): { session: WebAccessSession; ended: boolean } | undefined;
  /** Adds the proxy's byte, channel and request counts and its last activity. */
  recordWebAccessUse(id: string, use: WebAccessUse): void;
  /** The proxy reached the printer (first time kept), with an HTTPS printer's certificate facts. */
  recordWebAccessTunnelUp(id: string, certificate?: CertificateFacts): void;
}

/**
 * Sign-in sessions, for sign-in (creates them), the admin API's door (authenticates
 * every call with one) and the `session` commands (list and revoke one's own).
 */
export interface UserSessionStore {
  /** Opens a session for a user whose sign-in the caller checked; the token is shown once, only its hash kept. */
  createSession(s: NewUserSession): { session: UserSession; token: string };
  /** The live session a token opens and its user (undefined otherwise); records the use at most once a minute. */
  authenticateSession(token: string, address: string): { session: UserSession; userId: string } | undefined;
  /** The user's live sessions, most recently used first. */
  listSessions(userId: string): UserSession[];
  /** Revokes one session; undefined when unknown or (unless by an admin) not the user's. */
  revokeSession(id: string, reason: string, by: RevokeBy): UserSession | undefined;
  /** Revokes every session of a user but `exceptId`; how many were live. */
  revokeAllSessions(userId: string, reason: string, exceptId?: string): number;
}

/** API tokens for integrations: the `token` commands make, list and revoke them, the admin API's door authenticates with them. */
export interface ApiTokenStore {
  /** Makes a scoped, expiring token; the secret is shown once, only its hash kept. */
  createApiToken(t: NewApiToken): { token: ApiToken; secret: string };
  /** The live token a secret names (undefined otherwise); records the use at most once a minute. */
  authenticateApiToken(secret: string, address: string): ApiToken | undefined;
  /** Tokens (of one user if given), newest first; `active` leaves out revoked and expired ones. */
  listApiTokens(opts?: { userId?: string; active?: boolean }): ApiToken[];
  /** Revokes a token; undefined when unknown or (unless by an admin) not the user's. */
  revokeApiToken(id: string, by: RevokeBy): ApiToken | undefined;
}

/** The hub's settings: the typed security settings, and JSON values under other keys (SSO config, the audit anchor). */
export interface HubSettingsStore {
  /** The security settings, defaults for those never set. */
  getSecuritySettings(): SecuritySettings;
  /** Changes the fields given (checked, all or nothing); the settings as they now are. */
  setSecuritySettings(change: Partial<SecuritySettings>): SecuritySettings;
  /** The JSON value under a key (undefined if none); the caller checks its shape. */
  getSetting(key: string): unknown;
  /** Keeps a JSON value under a key (undefined removes it); may run inside another write. */
  setSetting(key: string, value: unknown): void;
}

/**
 * The hub's audit log (docs/security.md "Audit log"): the server and the break-glass
 * command append, the audit commands list, export, verify and prune. Append-only and
 * hash-chained (audit-chain.ts), so an edited, deleted or inserted record shows in verify.
 */
export interface AuditLogStore {
  /** Appends a record chained to the last one (one IMMEDIATE transaction, so processes appending at once keep the chain). */
  appendAudit(record: NewAuditRecord): AuditRecord;
  /** Checks the whole chain, streaming; the first bad record, or how many records hold. */
  verifyAudit(): AuditVerifyResult;
  /** Matching records, newest first (limit default 100, at most 10000; `beforeSeq` pages). */
  listAudit(opts?: AuditListOptions): AuditRecord[];
  /** Writes matching records as JSON lines, oldest first, each verifiable (seq, time, fields, prev_hash, hash); the number written. */
  exportAudit(filter: AuditFilter, write: (line: string) => void): number;
  /** Deletes records older than the retention, keeps the anchor and appends "AuditPruned" (one transaction). */
  pruneAudit(retentionDays: number, by?: AuditActor): AuditPruneResult;
}

/**
 * Local users and what signing in keeps, for src/hub/accounts (which holds the rules: password
 * policy, hashing, lockout and inactivity limits, TOTP). Secrets come out only through `userSecrets`.
 */
export interface AccountStore {
  /** Adds a user (username checked: 1-64 of [A-Za-z0-9._@-]); `already-exists` when taken in any letter case. */
  createUser(u: NewUser): User;
  getUser(id: string): User | undefined;
  /** The user of that username, in any letter case. */
  getUserByUsername(username: string): User | undefined;
  /** The user of an identity provider's stable id (source "oidc" or "ldap"); never matched by username. */
  getUserByExternalId(source: string, externalId: string): User | undefined;
  /** Every user, by username. */
  listUsers(): User[];
  /** The password hash, TOTP secrets and last TOTP step, for verifying only. */
  userSecrets(id: string): UserSecrets | undefined;
  setPasswordHash(id: string, hash: string): User;
  /** Disables with a reason, or enables (which restarts the inactivity clock). */
  setUserDisabled(id: string, disabled: boolean, reason?: string): User;
  /** Lifts a lock and forgets the failures. */
  unlockUser(id: string): User;
  /** Counts a failed sign-in; the `attempts`-th in a row locks for `lockMs` (0: until unlocked). */
  recordSignInFailure(id: string, lockout: { attempts: number; lockMs: number }): User;
  /** A complete sign-in: failures and lock forgotten, last sign-in now. */
  recordSignIn(id: string): User;
  /** Disables enabled users idle (last sign-in, or creation) since before `cutoff`; those disabled. */
  disableUsersInactiveSince(cutoff: Date): User[];
  /** Keeps a TOTP secret to be confirmed. */
  setTotpPending(id: string, secret: string): void;
  /** Confirms the pending secret at `step` with these recovery code hashes (`failed-precondition` if none pending). */
  enableTotp(id: string, step: number, recoveryCodeHashes: readonly string[]): User;
  /** Removes TOTP and the recovery codes. */
  clearTotp(id: string): User;
  /** The replay guard: records `step` if it is after the last one used; false otherwise. */
  advanceTotpStep(id: string, step: number): boolean;
  /** Replaces the recovery codes (old ones void). */
  replaceRecoveryCodes(id: string, hashes: readonly string[]): void;
  /** Uses an unused recovery code once; false when there is none with this hash. */
  useRecoveryCode(id: string, hash: string): boolean;
  recoveryCodesLeft(id: string): number;
}

/**
 * Alerts (docs/alerts.md): rules and channels for the alert commands, the evaluation the hub runs
 * every minute, and the notices queue its sender works through. Channel secrets come out only
 * through `channelForSending` and the due notices.
 */
export interface AlertStore {
  /** Adds a rule (its site and channels must exist; at most MAX_ALERT_RULES). */
  createAlertRule(r: NewAlertRule): AlertRule;
  /** Live rules, global ones first. */
  listAlertRules(): AlertRule[];
  getAlertRule(id: string): AlertRule | undefined;
  /** Deletes a rule, resolving its open alerts without a notice; undefined when unknown. */
  deleteAlertRule(id: string): { rule: AlertRule; resolved: number } | undefined;
  /** Creates or changes the channel of that name; a secret not given keeps the kept one. */
  setAlertChannel(c: AlertChannelInput): { channel: AlertChannel; created: boolean };
  listAlertChannels(): AlertChannel[];
  /** A channel by id or (case-insensitive) name. */
  getAlertChannel(idOrName: string): AlertChannel | undefined;
  /** A channel with its secret: for sending only. */
  channelForSending(id: string): ChannelForSending | undefined;
  /** Deletes a channel and its notices ("failed-precondition" while a rule names it); undefined when unknown. */
  deleteAlertChannel(idOrName: string): AlertChannel | undefined;
  /** Opens and resolves one rule's alerts at `nowMs` (at most so many of each), queuing notices; one transaction. */
  evaluateAlertRule(rule: AlertRule, nowMs: number, limits: { open: number; resolve: number }): RuleEvaluation;
  /** Alerts, newest opened first, with their notices. */
  listAlerts(opts?: AlertListOptions): StoredAlert[];
  /** Deletes resolved alerts opened before `beforeMs` (at most `limit`); how many. */
  pruneAlerts(beforeMs: number, limit: number): number;
  /** Pending notices due at `nowMs`, oldest first. */
  dueAlertDeliveries(nowMs: number, limit: number): DueDelivery[];
  /** Records what one attempt at a notice came to. */
  finishAlertDelivery(id: number, outcome: DeliveryOutcome): void;
  /** Records a channel test's outcome on the channel. */
  recordAlertChannelTest(channelId: string, outcome: DeliveryOutcome): void;
  getAlertDelivery(id: number): AlertDelivery | undefined;
}

/** Everything the admin commands use. */
export interface AdminStore extends SiteAdminStore, AgentAdminStore, DeviceAdminStore, MeterHistoryStore, TaskAdminStore, ReleaseStore, WebAccessStore {}

/**
 * What the hub's MQTT side needs: the wake-up notifier (new tasks, changed
 * configs, whom to nudge), the embedded broker's login and the eviction of
 * agents revoked while connected.
 */
export interface WakeStore extends Pick<AgentApiStore, "authenticateAgent">, Pick<AgentAdminStore, "getAgent" | "listAgents"> {
  /**
   * Tasks created after `cursor` (0: from the start), oldest first, and the cursor to
   * pass next time, whichever process (server or admin command) created them.
   */
  tasksCreatedSince(cursor: number, limit?: number): { cursor: number; tasks: { id: string; siteId: string; targetAgentId?: string }[] };
  /** The newest task cursor (start watching from now). */
  lastTaskCursor(): number;
  /** Every site's config version. */
  siteConfigVersions(): Map<string, bigint>;
}

/** The whole store, as the hub's wiring (startHub) and the admin runner open it. */
export interface HubStore extends AgentApiStore, WakeStore, AdminStore, FleetViewStore, RoleGrantStore, UserSessionStore, ApiTokenStore, HubSettingsStore, AuditLogStore, AccountStore, AlertStore, PortalCodeStore {
  close(): void;
}
