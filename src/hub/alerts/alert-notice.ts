/**
 * What a notice says: the webhook's JSON body and the e-mail's subject and
 * text, for an alert opened or resolved, or a channel test. The body format
 * is part of the API (docs/alerts.md "Webhook body"): fields are added,
 * never renamed.
 */
import { formatDuration } from "../../common/duration.ts";
import { cleanText } from "../../common/text.ts";
import type { AlertRuleKind, StoredAlert } from "../store/index.ts";

/** The parts of a rule its description needs (the store's rule and the API's message alike). */
export interface RuleTerms {
  kind: AlertRuleKind | string;
  percent: number;
  state: string;
  seconds: number;
}

/** A rule in a few words: "supply below 10 %", "agent offline for 30m". */
export function describeRule(r: RuleTerms): string {
  const d = formatDuration(r.seconds * 1000);
  switch (r.kind) {
    case "supply-below":
      return `supply below ${r.percent} %`;
    case "supply-state":
      return r.state === "empty" ? "supply empty (or waste full)" : "supply low or empty";
    case "not-read":
      return `device not read for ${d}`;
    case "agent-offline":
      return `agent offline for ${d}`;
    case "counter-flagged":
      return `counter flagged in the last ${d}`;
    case "device-error":
      return `device in error for ${d}`;
    default:
      return r.kind;
  }
}

/** One notice to send: an alert's opening or resolution, or a test of the channel. */
export type Notice =
  | { event: "opened" | "resolved"; deliveryId: string; alert: StoredAlert; siteName: string; rule: RuleTerms }
  | { event: "test"; deliveryId: string; channelName: string };

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);

/** The webhook body; `sentAt` is Unix seconds (also the X-Dca-Timestamp header). */
export function webhookBody(n: Notice, sentAt: number): string {
  if (n.event === "test") {
    return JSON.stringify({ type: "test", delivery: n.deliveryId, sent_at: sentAt, channel: n.channelName, text: "a test notice from dca-hub: this channel works" });
  }
  const a = n.alert;
  return JSON.stringify({
    type: `alert.${n.event}`,
    delivery: n.deliveryId,
    sent_at: sentAt,
    alert: {
      id: a.id,
      state: a.resolvedAt ? "resolved" : "open",
      rule: { id: a.ruleId, name: a.ruleName, kind: a.kind, description: describeRule(n.rule) },
      site: { id: a.siteId, name: n.siteName },
      subject: { kind: a.subjectKind, id: a.subjectId, label: a.subjectLabel },
      summary: a.summary,
      opened_at: iso(a.openedAt),
      resolved_at: iso(a.resolvedAt),
      resolve_reason: a.resolveReason,
    },
  });
}

/** Longest subject line (RFC 5322 recommends lines of at most 78 characters; ours fold, but stay short). */
const MAX_SUBJECT = 200;

/** The e-mail of a notice. Device strings are cleaned of control characters before they reach a header. */
export function mailOf(n: Notice): { subject: string; text: string } {
  if (n.event === "test") {
    return { subject: "[dca] test notice", text: `A test notice from dca-hub for the alert channel "${cleanText(n.channelName, 100)}": this channel works.\n` };
  }
  const a = n.alert;
  const head = n.event === "opened" ? "ALERT" : "RESOLVED";
  const subject = cleanText(`[dca] ${head}: ${a.ruleName} - ${a.subjectLabel} (${n.siteName})`, MAX_SUBJECT);
  const lines = [
    n.event === "opened" ? `An alert opened on site "${n.siteName}".` : `An alert on site "${n.siteName}" is resolved (${a.resolveReason}).`,
    "",
    `Rule:     ${a.ruleName} (${describeRule(n.rule)})`,
    `${a.subjectKind === "agent" ? "Agent:  " : "Device: "}  ${a.subjectLabel} (${a.subjectId})`,
    `Seen:     ${a.summary}`,
    `Opened:   ${a.openedAt.toISOString()}`,
    ...(a.resolvedAt ? [`Resolved: ${a.resolvedAt.toISOString()}`] : []),
    `Alert:    ${a.id}`,
    "",
    "dca-hub alert list shows every alert; this notice is sent once per alert, and once more when it resolves.",
  ];
  // Labels and summaries were cleaned when the alert opened; names are the hub's own.
  return { subject, text: `${lines.join("\n")}\n` };
}
