/**
 * Alerts as the store keeps them (docs/alerts.md): rules, channels, the
 * alerts rules open and the notices sent for them. Secrets (a webhook's HMAC
 * key, an SMTP password) are in none of these types but `ChannelForSending`,
 * which only the sender gets.
 */

/** What a rule watches. */
export const ALERT_RULE_KINDS = ["supply-below", "supply-state", "not-read", "agent-offline", "counter-flagged", "device-error"] as const;
/** One of ALERT_RULE_KINDS. */
export type AlertRuleKind = (typeof ALERT_RULE_KINDS)[number];

/** Whether a kind's subject is a device or an agent. */
export const subjectKindOf = (kind: AlertRuleKind): "device" | "agent" => (kind === "agent-offline" ? "agent" : "device");

/** A new rule: `percent` for supply-below, `state` for supply-state, `seconds` for the others. */
export interface NewAlertRule {
  name: string;
  /** Undefined: a global rule (every site). */
  siteId?: string;
  kind: AlertRuleKind;
  percent?: number;
  /** supply-state: "low" (low or empty) or "empty". */
  state?: "low" | "empty";
  /** not-read, agent-offline, device-error: for how long; counter-flagged: how recent a flag. */
  seconds?: number;
  /** Channel ids notified; empty for every channel. */
  channelIds: readonly string[];
  createdBy: string;
}

/** A live rule as the store keeps it. */
export interface AlertRule {
  id: string;
  name: string;
  siteId?: string;
  kind: AlertRuleKind;
  percent: number;
  state: "" | "low" | "empty";
  seconds: number;
  /** The channels it notifies (ids); empty for every channel. */
  channelIds: string[];
  createdAt: Date;
  createdBy: string;
  /** Its open alerts. */
  openAlerts: number;
}

/** Where notices go: a signed webhook, or e-mail through an SMTP relay. */
export const ALERT_CHANNEL_KINDS = ["webhook", "smtp"] as const;
/** One of ALERT_CHANNEL_KINDS. */
export type AlertChannelKind = (typeof ALERT_CHANNEL_KINDS)[number];

/** A webhook's settings (its HMAC key is the channel's secret). */
export interface WebhookSettings {
  url: string;
  /** Plain http:// allowed for a host that is not loopback. */
  allowHttp: boolean;
  /** CA certificates (PEM) the receiver's certificate is checked against instead of the system's. */
  caPem: string;
}

/** How an SMTP connection is protected: STARTTLS required (the default), TLS from the start, or none. */
export type SmtpSecurity = "starttls" | "tls" | "none";

/** An SMTP relay's settings (its password is the channel's secret). */
export interface SmtpSettings {
  host: string;
  port: number;
  security: SmtpSecurity;
  /** Empty: no authentication. */
  username: string;
  from: string;
  to: string[];
  caPem: string;
}

/** A channel's settings, by its kind (never its secret). */
export type ChannelSettings = { kind: "webhook"; webhook: WebhookSettings } | { kind: "smtp"; smtp: SmtpSettings };

/** A channel as it is listed: never its secret. */
export interface AlertChannel {
  id: string;
  name: string;
  settings: ChannelSettings;
  secretSet: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastOkAt?: Date;
  lastErrorAt?: Date;
  lastError: string;
  pendingDeliveries: number;
  failedDeliveries: number;
}

/** A channel to create or change; `secret` undefined keeps the one kept (a new webhook gets none: the caller makes one). */
export interface AlertChannelInput {
  name: string;
  settings: ChannelSettings;
  secret?: string;
}

/** A channel with its secret, for sending only. */
export interface ChannelForSending {
  id: string;
  name: string;
  settings: ChannelSettings;
  secret: string;
}

/** What a notice says of its alert. */
export type AlertEvent = "opened" | "resolved";
/** A notice waiting (or being retried), sent, or given up. */
export type DeliveryState = "pending" | "sent" | "failed";

/** One notice of one alert to one channel. */
export interface AlertDelivery {
  id: number;
  alertId: string;
  channelId: string;
  channelName: string;
  event: AlertEvent;
  state: DeliveryState;
  attempts: number;
  nextAt: Date;
  createdAt: Date;
  sentAt?: Date;
  lastError: string;
}

/** An alert: a rule's condition seen on one device or agent, from when it opened to when it cleared. */
export interface StoredAlert {
  id: string;
  ruleId: string;
  ruleName: string;
  kind: AlertRuleKind;
  siteId: string;
  subjectKind: "device" | "agent";
  subjectId: string;
  /** What the subject is ("HP LaserJet M507 SN123 at 10.0.0.7"), as it was when the alert opened. */
  subjectLabel: string;
  /** What was seen ("Black Toner at 4 %"), at the opening. */
  summary: string;
  openedAt: Date;
  resolvedAt?: Date;
  /** "cleared", "rule deleted" or "subject gone". */
  resolveReason: string;
  lastNotifiedAt?: Date;
  deliveries: AlertDelivery[];
}

/** A notice due to be sent: the delivery, its alert and its channel with the secret. */
export interface DueDelivery {
  delivery: AlertDelivery;
  alert: StoredAlert;
  channel: ChannelForSending;
}

/** What became of one attempt: sent, or failed with a one-line reason and when to try again (undefined: give up). */
export type DeliveryOutcome = { ok: true } | { ok: false; error: string; retryAt?: number };
