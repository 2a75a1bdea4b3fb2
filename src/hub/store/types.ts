/**
 * The values the hub store hands out. Rows become plain objects with Dates;
 * readings, tasks and config stay proto messages (the proto is the model).
 */
import type { Task, TaskResult } from "../../gen/dca/v1/agent_service_pb.ts";
import type { TaskKindName } from "../../common/task-targets.ts";
import type { CounterKind, DeviceReading } from "../../gen/dca/v1/reading_pb.ts";

/** A customer site: one config, its agents and its devices. */
export interface Site {
  id: string;
  name: string;
  createdAt: Date;
}

/** An activated agent. Its secret is never kept, only a hash of it. */
export interface Agent {
  id: string;
  siteId: string;
  installId: string;
  hostname: string;
  agentVersion: string;
  platform: string;
  createdAt: Date;
  lastPollAt?: Date;
  configVersion: number;
  outboxDepth: number;
  outboxBytes: number;
  droppedReadings: number;
  knownDevices: number;
  lastError: string;
  readingsReceived: number;
  disabled: boolean;
  /** The agent that a later activation of the same install on the same site created. */
  replacedBy?: string;
  /** What the agent said of its last update ("" if nothing), e.g. why it rolled back. */
  updateStatus: string;
  /** The agent's SSH public key for Device Web Access ("ssh-ed25519 AAAA..."), "" until it sends one. */
  sshPublicKey: string;
}

/** What became of a key an agent sent: kept (or already its key), or refused (it has another). */
export type SshKeyRegistration = "registered" | "refused";

/** Activation bookkeeping of one installation (the lockout counter). */
export interface Install {
  installId: string;
  failedAttempts: number;
  locked: boolean;
  resetGeneration: number;
  lastAttemptAt?: Date;
}

/** What an agent sends to activate. */
export interface ActivateRequest {
  code: string;
  installId: string;
  hostname: string;
  agentVersion: string;
  platform: string;
  /** Canonical SSH public key, checked by the caller ("" for none). */
  sshPublicKey?: string;
}

/** Why an activation failed. */
export type ActivateFailure = "invalid" | "expired" | "used" | "install-locked";

/** The outcome of one activation attempt; `secret` is the only time the secret exists in clear. */
export type ActivateResult =
  | { ok: true; agent: Agent; secret: string; site: Site }
  | { ok: false; reason: ActivateFailure; failedAttempts: number; attemptsLeft: number };

/** The heartbeat an agent reports on each poll. */
export interface PollInfo {
  configVersion: bigint;
  outboxDepth: bigint;
  outboxBytes: bigint;
  droppedReadings: bigint;
  agentVersion: string;
  hostname: string;
  lastError: string;
  knownDevices: number;
  /** What the agent said of its last update ("" if nothing). */
  updateStatus?: string;
}

/** The update channels: a site on "beta" is offered beta and stable releases, one on "stable" only stable ones. */
export type UpdateChannel = "stable" | "beta";

/** A release the hub keeps and offers (the signature bundle was checked against the root when it was added). */
export interface Release {
  sha256: string;
  /** "dca" (the agent); the hub's own releases are kept too, never offered. */
  name: string;
  version: string;
  /** linux-x64, linux-arm64, windows-x64, darwin-arm64. */
  target: string;
  size: number;
  channel: UpdateChannel;
  /** A CDN URL that serves the file; "" when the hub serves it (GET /releases/<sha256>). */
  url: string;
  /** The signature bundle's JSON text. */
  signature: string;
  /** The signing key that signed it. */
  keyId: string;
  addedAt: Date;
}

/** How a site's agents update. */
export interface UpdatePolicy {
  channel: UpdateChannel;
  /** "Sat 01:00-05:00" in the agent's local time; "" for any time (src/common/update-window.ts). */
  window: string;
  /** No release is offered while held. */
  hold: boolean;
  /** Seconds a new version has to reach the hub before it is rolled back. */
  healthSeconds: number;
}

/** A suspicious change of a page counter between two readings of one device. */
export interface CounterFlag {
  deviceId: string;
  siteId: string;
  readingId: string;
  kind: CounterKind;
  /** The counter's own name, or its OID when it has no name; empty for plain kinds. */
  name: string;
  previous: number;
  value: number;
  /** "backwards": lower than before (meter reset, board swap); "jump": far more pages than a day allows. */
  reason: "backwards" | "jump";
  at: Date;
}

/** What `storeReadings` did with a batch. */
export interface StoreReadingsResult {
  /** Ids the hub now holds (new and already held); the agent deletes exactly these. */
  acknowledgedIds: string[];
  stored: number;
  /** Payload bytes of the readings stored (not of duplicates), for the agent's quota. */
  storedBytes: number;
  duplicates: number;
  /** Ids already held by another site: neither stored nor acknowledged. */
  conflicts: number;
  flags: CounterFlag[];
}

/** One device as listings show it, from its newest reading. */
export interface DeviceSummary {
  id: string;
  siteId: string;
  vendor: string;
  model: string;
  serialNumber: string;
  macAddress: string;
  address: string;
  lastReadAt?: Date;
  totalPages?: number;
  lowestSupply?: { description: string; percent: number };
  status: string;
  readingCount: number;
  flags: number;
}

/** One stored reading with where and when it arrived. */
export interface StoredReading {
  id: string;
  deviceId: string;
  agentId: string;
  siteId: string;
  seq: number;
  taskId: string;
  readAt: Date;
  receivedAt: Date;
  address: string;
  reading: DeviceReading;
}

export type TaskKind = TaskKindName;
export type TaskState = "pending" | "sent" | "running" | "done" | "failed" | "refused" | "canceled";

/** A task and what became of it. */
export interface StoredTask {
  id: string;
  siteId: string;
  /** The agent the task went to, or the one it is meant for while pending. */
  agentId?: string;
  /** Set when the task may only go to this agent. */
  targetAgentId?: string;
  kind: TaskKind;
  task: Task;
  state: TaskState;
  createdAt: Date;
  sentAt?: Date;
  finishedAt?: Date;
  message: string;
  readingIds: string[];
  /** What the task found (ping figures, hops, credentials that work...), once reported. */
  result?: TaskResult;
}

/** What the hub saw of an HTTPS printer's certificate (told to the technician; self-signed ones are accepted). */
export interface CertificateFacts {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** SHA-256 of the DER, colon-separated upper-case hex (as browsers show it). */
  sha256: string;
  selfSigned: boolean;
}

/** A Device Web Access session: the technician's way to a printer's web page, and its audit record. */
export interface WebAccessSession {
  id: string;
  /** Its host name label: the session is served at `<label>.<web-access domain>`. */
  label: string;
  siteId: string;
  agentId: string;
  deviceId?: string;
  address: string;
  port: number;
  /** The hub speaks TLS to the printer (through the tunnel). */
  tls: boolean;
  forwardPath: string;
  taskId: string;
  /** Who opened it: the signed-in hub user's username. */
  openedBy: string;
  openedAt: Date;
  expiresAt: Date;
  idleSeconds: number;
  concurrent: boolean;
  endedAt?: Date;
  /** Why it ended ("closed by root", "expired", "idle for 300 s", ...); "" while open. */
  endReason: string;
  /** When the proxy first reached the printer through the tunnel. */
  tunnelUpAt?: Date;
  lastActivityAt?: Date;
  bytesToDevice: number;
  bytesFromDevice: number;
  /** Tunnel connections (channels) the proxy opened. */
  channels: number;
  requests: number;
  certificate?: CertificateFacts;
}
