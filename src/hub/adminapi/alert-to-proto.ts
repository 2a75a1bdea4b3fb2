/**
 * Alert rules, channels and alerts as AdminService messages. A channel goes
 * out without its secret, and a webhook without its URL's path and query
 * (a receiver's token often lives there): only the origin is shown.
 */
import { create } from "@bufbuild/protobuf";
import {
  type AlertChannel as AlertChannelMessage,
  AlertChannelSchema,
  type AlertInstance,
  AlertInstanceSchema,
  type AlertRule as AlertRuleMessage,
  AlertRuleSchema,
} from "../../gen/dca/v1/admin_alerts_pb.ts";
import { describeRule } from "../alerts/index.ts";
import type { AlertChannel, AlertRule, StoredAlert } from "../store/index.ts";
import { ts } from "./to-proto.ts";

/** Site and channel names by id, read once per call. */
export interface AlertNames {
  site(id: string): string;
  channel(id: string): string;
}

/** A rule as AdminService sends it, with its channels by name and its terms in words. */
export const alertRuleToProto = (r: AlertRule, names: AlertNames): AlertRuleMessage =>
  create(AlertRuleSchema, {
    id: r.id,
    name: r.name,
    siteId: r.siteId ?? "",
    siteName: r.siteId === undefined ? "" : names.site(r.siteId),
    kind: r.kind,
    percent: r.percent,
    state: r.state,
    seconds: r.seconds,
    channels: r.channelIds.map((c) => names.channel(c)).sort(),
    createdAt: ts(r.createdAt),
    createdBy: r.createdBy,
    openAlerts: r.openAlerts,
    description: describeRule(r),
  });

/** A channel as AdminService sends it: no secret, a webhook by its origin. */
export function alertChannelToProto(c: AlertChannel): AlertChannelMessage {
  const s = c.settings;
  const common = {
    id: c.id,
    name: c.name,
    kind: s.kind,
    secretSet: c.secretSet,
    createdAt: ts(c.createdAt),
    updatedAt: ts(c.updatedAt),
    lastOkAt: ts(c.lastOkAt),
    lastErrorAt: ts(c.lastErrorAt),
    lastError: c.lastError,
    pendingDeliveries: c.pendingDeliveries,
    failedDeliveries: c.failedDeliveries,
  };
  if (s.kind === "webhook") {
    return create(AlertChannelSchema, { ...common, webhookOrigin: URL.canParse(s.webhook.url) ? new URL(s.webhook.url).origin : "", allowHttp: s.webhook.allowHttp, hasCa: s.webhook.caPem !== "" });
  }
  const m = s.smtp;
  return create(AlertChannelSchema, {
    ...common,
    smtpHost: m.host,
    smtpPort: m.port,
    smtpSecurity: m.security,
    smtpUsername: m.username,
    smtpFrom: m.from,
    smtpTo: m.to,
    hasCa: m.caPem !== "",
  });
}

/** An alert and its notices as AdminService sends them. */
export const alertToProto = (a: StoredAlert, names: Pick<AlertNames, "site">): AlertInstance =>
  create(AlertInstanceSchema, {
    id: a.id,
    ruleId: a.ruleId,
    ruleName: a.ruleName,
    kind: a.kind,
    siteId: a.siteId,
    siteName: names.site(a.siteId),
    subjectKind: a.subjectKind,
    subjectId: a.subjectId,
    subjectLabel: a.subjectLabel,
    summary: a.summary,
    openedAt: ts(a.openedAt),
    resolvedAt: ts(a.resolvedAt),
    resolveReason: a.resolveReason,
    lastNotifiedAt: ts(a.lastNotifiedAt),
    deliveries: a.deliveries.map((d) => ({
      id: String(d.id),
      channel: d.channelName,
      event: d.event,
      state: d.state,
      attempts: d.attempts,
      lastError: d.lastError,
      sentAt: ts(d.sentAt),
      nextAttemptAt: d.state === "pending" ? ts(d.nextAt) : undefined,
    })),
  });
