/**
 * Alerts: what a rule's evaluation opens and resolves, and their listing.
 * One open alert per rule and subject (the dedupe key, a unique index), so a
 * condition that holds for days notifies once; when it clears the alert is
 * resolved and a resolved notice is queued. Each change queues its notices
 * (alert_deliveries) in the same transaction, so none is lost or doubled.
 */
import { cleanText } from "../../common/text.ts";
import { type SubjectRow, conditionOf, subjectColumns, subjectLabel, subjectSummary } from "./alert-subjects.ts";
import type { AlertDelivery, AlertEvent, AlertRule, AlertRuleKind, StoredAlert } from "./alert-types.ts";
import { subjectKindOf } from "./alert-types.ts";
import { newId } from "./ids.ts";
import { type StoreContext, optDate } from "./store-context.ts";

/** Longest label or summary kept (they quote device strings). */
const MAX_TEXT = 300;
/** Most alerts one listing returns. */
export const MAX_ALERT_LIST = 1000;

/** An alerts row joined with its rule. */
export interface AlertRow {
  id: string;
  rule_id: string;
  rule_name: string;
  kind: AlertRuleKind;
  site_id: string;
  subject_kind: "device" | "agent";
  subject_id: string;
  subject_label: string;
  summary: string;
  opened_at: number;
  resolved_at: number | null;
  resolve_reason: string;
  last_notified_at: number | null;
}

/** An alert_deliveries row joined with its channel's name. */
export interface DeliveryRow {
  id: number;
  alert_id: string;
  channel_id: string;
  channel_name: string;
  event: AlertEvent;
  state: "pending" | "sent" | "failed";
  attempts: number;
  next_at: number;
  created_at: number;
  sent_at: number | null;
  last_error: string;
}

/** Alerts with their rule's name and kind. */
export const ALERT_SELECT = "SELECT a.*, r.name AS rule_name, r.kind FROM alerts a JOIN alert_rules r ON r.id = a.rule_id";
/** Notices with their channel's name. */
export const DELIVERY_SELECT = "SELECT d.*, c.name AS channel_name FROM alert_deliveries d JOIN alert_channels c ON c.id = d.channel_id";

/** A notice row as the store gives it. */
export const toDelivery = (d: DeliveryRow): AlertDelivery => ({
  id: d.id,
  alertId: d.alert_id,
  channelId: d.channel_id,
  channelName: d.channel_name,
  event: d.event,
  state: d.state,
  attempts: d.attempts,
  nextAt: new Date(d.next_at),
  createdAt: new Date(d.created_at),
  sentAt: optDate(d.sent_at),
  lastError: d.last_error,
});

/** An alert row, with its notices, as the store gives it. */
export const toAlert = (a: AlertRow, deliveries: AlertDelivery[]): StoredAlert => ({
  id: a.id,
  ruleId: a.rule_id,
  ruleName: a.rule_name,
  kind: a.kind,
  siteId: a.site_id,
  subjectKind: a.subject_kind,
  subjectId: a.subject_id,
  subjectLabel: a.subject_label,
  summary: a.summary,
  openedAt: new Date(a.opened_at),
  resolvedAt: optDate(a.resolved_at),
  resolveReason: a.resolve_reason,
  lastNotifiedAt: optDate(a.last_notified_at),
  deliveries,
});

/** Which alerts a listing returns. */
export interface AlertListOptions {
  /** Only these sites' alerts (the caller's); undefined for every site. */
  siteIds?: readonly string[];
  /** true: open only; false: resolved only; undefined: both. */
  open?: boolean;
  /** One device's or agent's alerts. */
  subjectId?: string;
  /** Opened before this time (paging, newest first). */
  before?: Date;
  /** At most this many (default 100, at most MAX_ALERT_LIST). */
  limit?: number;
}

/** What one evaluation of one rule did. */
export interface RuleEvaluation {
  opened: StoredAlert[];
  resolved: StoredAlert[];
}

/** The alert methods of the store. */
export function createAlertInstances(ctx: StoreContext) {
  const { db } = ctx;

  const deliveriesOf = (ids: string[]): Map<string, AlertDelivery[]> => {
    const out = new Map<string, AlertDelivery[]>();
    for (let i = 0; i < ids.length; i += 500) {
      const part = ids.slice(i, i + 500);
      const rows = db.query<DeliveryRow, string[]>(`${DELIVERY_SELECT} WHERE d.alert_id IN (${part.map(() => "?").join(",")}) ORDER BY d.id`).all(...part);
      for (const d of rows) out.set(d.alert_id, [...(out.get(d.alert_id) ?? []), toDelivery(d)]);
    }
    return out;
  };
  const alertsById = (ids: string[]): StoredAlert[] => {
    if (!ids.length) return [];
    const rows = ids.map((id) => db.query<AlertRow, [string]>(`${ALERT_SELECT} WHERE a.id = ?`).get(id)!);
    const deliveries = deliveriesOf(ids);
    return rows.map((r) => toAlert(r, deliveries.get(r.id) ?? []));
  };

  /** Queues a notice of `event` for each channel of the rule (every channel when it names none). */
  const queue = (ruleId: string, alertId: string, event: AlertEvent, nowMs: number) => {
    const named = db.query<{ id: string }, [string]>("SELECT channel_id AS id FROM alert_rule_channels WHERE rule_id = ? ORDER BY channel_id").all(ruleId);
    const channels = named.length ? named : db.query<{ id: string }, []>("SELECT id FROM alert_channels ORDER BY name").all();
    for (const { id: c } of channels) {
      db.run("INSERT INTO alert_deliveries (alert_id, channel_id, event, state, next_at, created_at) VALUES (?, ?, ?, 'pending', ?, ?)", [alertId, c, event, nowMs, nowMs]);
    }
  };

  return {
    /**
     * Opens an alert for each subject newly matching `rule` and resolves each open one that no
     * longer does, at most `limits.open` and `limits.resolve`; notices queued alike. One transaction.
     */
    evaluateAlertRule(rule: AlertRule, nowMs: number, limits: { open: number; resolve: number }): RuleEvaluation {
      return ctx.write(() => {
        // Deleted since the caller listed it: its alerts were resolved with it.
        if (!db.query("SELECT 1 FROM alert_rules WHERE id = ? AND deleted_at IS NULL").get(rule.id)) return { opened: [], resolved: [] };
        const cond = conditionOf(rule, nowMs);
        const cols = subjectColumns(rule, nowMs);
        const subject = subjectKindOf(rule.kind);
        const prefix = `${rule.id}:${subject}:`;
        const fresh = db
          .query<SubjectRow, (string | number)[]>(
            `SELECT ${cols.sql} FROM ${cond.table} s WHERE ${cond.where}
             AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.dedupe_key = ? || s.id AND a.resolved_at IS NULL) ORDER BY s.id LIMIT ?`,
          )
          .all(...cols.params, ...cond.params, prefix, Math.max(0, limits.open));
        const opened: string[] = [];
        for (const s of fresh) {
          const id = newId("alt");
          db.run(
            `INSERT INTO alerts (id, rule_id, site_id, subject_kind, subject_id, dedupe_key, subject_label, summary, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            [id, rule.id, s.site_id, subject, s.id, prefix + s.id, cleanText(subjectLabel(s), MAX_TEXT), cleanText(subjectSummary(rule, s), MAX_TEXT), nowMs],
          );
          queue(rule.id, id, "opened", nowMs);
          opened.push(id);
        }
        const cleared = db
          .query<{ id: string; gone: number }, (string | number)[]>(
            `SELECT a.id, NOT EXISTS (SELECT 1 FROM ${cond.table} g WHERE g.id = a.subject_id) AS gone FROM alerts a
             WHERE a.rule_id = ? AND a.resolved_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM ${cond.table} s WHERE s.id = a.subject_id AND ${cond.where}) ORDER BY a.opened_at LIMIT ?`,
          )
          .all(rule.id, ...cond.params, Math.max(0, limits.resolve));
        for (const a of cleared) {
          db.run("UPDATE alerts SET resolved_at = ?, resolve_reason = ? WHERE id = ?", [nowMs, a.gone ? "subject gone" : "cleared", a.id]);
          queue(rule.id, a.id, "resolved", nowMs);
        }
        return { opened: alertsById(opened), resolved: alertsById(cleared.map((a) => a.id)) };
      });
    },

    /** Alerts, newest opened first, with their notices. */
    listAlerts(opts: AlertListOptions = {}): StoredAlert[] {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (opts.siteIds) {
        if (!opts.siteIds.length) return [];
        where.push(`a.site_id IN (${opts.siteIds.map(() => "?").join(",")})`);
        params.push(...opts.siteIds);
      }
      if (opts.subjectId !== undefined) {
        where.push("a.subject_id = ?");
        params.push(opts.subjectId);
      }
      if (opts.open !== undefined) where.push(opts.open ? "a.resolved_at IS NULL" : "a.resolved_at IS NOT NULL");
      if (opts.before) {
        where.push("a.opened_at < ?");
        params.push(opts.before.getTime());
      }
      const limit = Math.min(MAX_ALERT_LIST, Math.max(1, Math.trunc(opts.limit ?? 100)));
      return ctx.read(() => {
        const rows = db
          .query<AlertRow, (string | number)[]>(`${ALERT_SELECT} ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY a.opened_at DESC, a.id DESC LIMIT ?`)
          .all(...params, limit);
        const deliveries = deliveriesOf(rows.map((r) => r.id));
        return rows.map((r) => toAlert(r, deliveries.get(r.id) ?? []));
      });
    },

    /** Deletes resolved alerts (and their notices) opened before `beforeMs`, at most `limit`; how many. */
    pruneAlerts(beforeMs: number, limit: number): number {
      return ctx.write(() => {
        const ids = db
          .query<{ id: string }, [number, number]>("SELECT id FROM alerts WHERE opened_at < ? AND resolved_at IS NOT NULL ORDER BY opened_at LIMIT ?")
          .all(beforeMs, limit)
          .map((r) => r.id);
        for (const id of ids) {
          db.run("DELETE FROM alert_deliveries WHERE alert_id = ?", [id]);
          db.run("DELETE FROM alerts WHERE id = ?", [id]);
        }
        return ids.length;
      });
    },
  };
}
