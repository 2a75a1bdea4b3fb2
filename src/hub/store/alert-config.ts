/**
 * Alert rules and channels (docs/alerts.md). A deleted rule is kept, marked
 * deleted, so the alerts it opened still name it; its open alerts are
 * resolved ("rule deleted") without a notice. A channel a live rule names
 * cannot be deleted. A channel's secret comes out only through
 * `channelForSending`.
 */
import { newId } from "./ids.ts";
import { type StoreContext, optDate } from "./store-context.ts";
import { StoreError } from "./store-error.ts";
import type { AlertChannel, AlertChannelInput, AlertRule, AlertRuleKind, ChannelForSending, ChannelSettings, NewAlertRule } from "./alert-types.ts";

/** Most live rules a hub keeps: each costs a few queries every evaluation. */
export const MAX_ALERT_RULES = 200;
/** Most channels a hub keeps. */
export const MAX_ALERT_CHANNELS = 50;

interface RuleRow {
  id: string;
  name: string;
  site_id: string | null;
  kind: AlertRuleKind;
  percent: number;
  state: "" | "low" | "empty";
  seconds: number;
  created_at: number;
  created_by: string;
  open_alerts: number;
  channel_ids: string | null;
}

interface ChannelRow {
  id: string;
  name: string;
  kind: string;
  settings: string;
  secret: string;
  created_at: number;
  updated_at: number;
  last_ok_at: number | null;
  last_error_at: number | null;
  last_error: string;
  pending: number;
  failed: number;
}

const RULE_SELECT = `SELECT r.*,
  (SELECT count(*) FROM alerts a WHERE a.rule_id = r.id AND a.resolved_at IS NULL) AS open_alerts,
  (SELECT group_concat(channel_id, ' ') FROM alert_rule_channels c WHERE c.rule_id = r.id) AS channel_ids
  FROM alert_rules r`;

const CHANNEL_SELECT = `SELECT c.*,
  (SELECT count(*) FROM alert_deliveries d WHERE d.channel_id = c.id AND d.state = 'pending') AS pending,
  (SELECT count(*) FROM alert_deliveries d WHERE d.channel_id = c.id AND d.state = 'failed') AS failed
  FROM alert_channels c`;

const toRule = (r: RuleRow): AlertRule => ({
  id: r.id,
  name: r.name,
  siteId: r.site_id ?? undefined,
  kind: r.kind,
  percent: r.percent,
  state: r.state,
  seconds: r.seconds,
  channelIds: r.channel_ids ? r.channel_ids.split(" ").sort() : [],
  createdAt: new Date(r.created_at),
  createdBy: r.created_by,
  openAlerts: r.open_alerts,
});

/** A channel's kept settings; a row edited by hand into something else is refused, not guessed at. */
export function settingsOf(kind: string, text: string): ChannelSettings {
  const value = JSON.parse(text) as Record<string, unknown>;
  if (kind === "webhook") return { kind, webhook: value as never };
  if (kind === "smtp") return { kind, smtp: value as never };
  throw new StoreError("data-loss", `an alert channel has the unknown kind "${kind}"`);
}

const toChannel = (c: ChannelRow): AlertChannel => ({
  id: c.id,
  name: c.name,
  settings: settingsOf(c.kind, c.settings),
  secretSet: c.secret !== "",
  createdAt: new Date(c.created_at),
  updatedAt: new Date(c.updated_at),
  lastOkAt: optDate(c.last_ok_at),
  lastErrorAt: optDate(c.last_error_at),
  lastError: c.last_error,
  pendingDeliveries: c.pending,
  failedDeliveries: c.failed,
});

const settingsText = (s: ChannelSettings): string => JSON.stringify(s.kind === "webhook" ? s.webhook : s.smtp);

/** The rule and channel methods of the store. */
export function createAlertConfig(ctx: StoreContext) {
  const { db } = ctx;
  const rule = (id: string) => db.query<RuleRow, [string]>(`${RULE_SELECT} WHERE r.id = ? AND r.deleted_at IS NULL`).get(id);
  const channelRow = (idOrName: string) => db.query<ChannelRow, [string, string]>(`${CHANNEL_SELECT} WHERE c.id = ? OR c.name = ?`).get(idOrName, idOrName);

  return {
    createAlertRule(r: NewAlertRule): AlertRule {
      return ctx.write(() => {
        const live = db.query<{ n: number }, []>("SELECT count(*) AS n FROM alert_rules WHERE deleted_at IS NULL").get()!.n;
        if (live >= MAX_ALERT_RULES) throw new StoreError("resource-exhausted", `the hub has ${live} alert rules, the most it keeps; delete one first (dca-hub alert rule rm)`);
        if (r.siteId !== undefined && !db.query("SELECT 1 FROM sites WHERE id = ?").get(r.siteId)) throw new StoreError("not-found", `unknown site "${r.siteId}"`);
        for (const c of r.channelIds) {
          if (!db.query("SELECT 1 FROM alert_channels WHERE id = ?").get(c)) throw new StoreError("not-found", `unknown alert channel "${c}"; see "dca-hub alert channel list"`);
        }
        const id = newId("alr");
        db.run("INSERT INTO alert_rules (id, name, site_id, kind, percent, state, seconds, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
          id, r.name, r.siteId ?? null, r.kind, r.percent ?? 0, r.state ?? "", Math.trunc(r.seconds ?? 0), ctx.now().getTime(), r.createdBy,
        ]);
        for (const c of new Set(r.channelIds)) db.run("INSERT INTO alert_rule_channels (rule_id, channel_id) VALUES (?, ?)", [id, c]);
        return toRule(rule(id)!);
      });
    },

    /** Live rules, global ones first, then by site and creation. */
    listAlertRules(): AlertRule[] {
      return ctx.read(() => db.query<RuleRow, []>(`${RULE_SELECT} WHERE r.deleted_at IS NULL ORDER BY r.site_id IS NOT NULL, r.site_id, r.created_at, r.id`).all().map(toRule));
    },

    getAlertRule(id: string): AlertRule | undefined {
      return ctx.read(() => {
        const r = rule(id);
        return r ? toRule(r) : undefined;
      });
    },

    /** Marks a rule deleted and resolves its open alerts ("rule deleted", no notice); undefined when unknown. */
    deleteAlertRule(id: string): { rule: AlertRule; resolved: number } | undefined {
      return ctx.write(() => {
        const r = rule(id);
        if (!r) return undefined;
        const now = ctx.now().getTime();
        const resolved = db.run("UPDATE alerts SET resolved_at = ?, resolve_reason = 'rule deleted' WHERE rule_id = ? AND resolved_at IS NULL", [now, id]).changes;
        // Notices not sent yet are of no use any more; the channels stay free to delete.
        db.run("UPDATE alert_deliveries SET state = 'failed', last_error = 'rule deleted' WHERE state = 'pending' AND alert_id IN (SELECT id FROM alerts WHERE rule_id = ?)", [id]);
        db.run("DELETE FROM alert_rule_channels WHERE rule_id = ?", [id]);
        db.run("UPDATE alert_rules SET deleted_at = ? WHERE id = ?", [now, id]);
        return { rule: { ...toRule(r), openAlerts: 0 }, resolved };
      });
    },

    /** Creates the channel `name` or changes it (same kind only); a secret not given keeps the kept one. */
    setAlertChannel(c: AlertChannelInput): { channel: AlertChannel; created: boolean } {
      return ctx.write(() => {
        const now = ctx.now().getTime();
        const old = channelRow(c.name);
        if (old && old.kind !== c.settings.kind) {
          throw new StoreError("failed-precondition", `alert channel "${old.name}" is a ${old.kind} channel; delete it first or choose another name`);
        }
        if (old) {
          db.run("UPDATE alert_channels SET settings = ?, secret = ?, updated_at = ? WHERE id = ?", [settingsText(c.settings), c.secret ?? old.secret, now, old.id]);
          return { channel: toChannel(channelRow(old.id)!), created: false };
        }
        const count = db.query<{ n: number }, []>("SELECT count(*) AS n FROM alert_channels").get()!.n;
        if (count >= MAX_ALERT_CHANNELS) throw new StoreError("resource-exhausted", `the hub has ${count} alert channels, the most it keeps; delete one first (dca-hub alert channel rm)`);
        const id = newId("ach");
        db.run("INSERT INTO alert_channels (id, name, kind, settings, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", [
          id, c.name, c.settings.kind, settingsText(c.settings), c.secret ?? "", now, now,
        ]);
        return { channel: toChannel(channelRow(id)!), created: true };
      });
    },

    listAlertChannels(): AlertChannel[] {
      return ctx.read(() => db.query<ChannelRow, []>(`${CHANNEL_SELECT} ORDER BY c.name`).all().map(toChannel));
    },

    /** A channel by id or (case-insensitive) name. */
    getAlertChannel(idOrName: string): AlertChannel | undefined {
      return ctx.read(() => {
        const c = channelRow(idOrName);
        return c ? toChannel(c) : undefined;
      });
    },

    /** The channel with its secret, for the sender alone. */
    channelForSending(id: string): ChannelForSending | undefined {
      return ctx.read(() => {
        const c = channelRow(id);
        return c ? { id: c.id, name: c.name, settings: settingsOf(c.kind, c.settings), secret: c.secret } : undefined;
      });
    },

    /** Deletes a channel and its notices; refused while a live rule names it. Undefined when unknown. */
    deleteAlertChannel(idOrName: string): AlertChannel | undefined {
      return ctx.write(() => {
        const c = channelRow(idOrName);
        if (!c) return undefined;
        const rules = db.query<{ rule_id: string }, [string]>("SELECT rule_id FROM alert_rule_channels WHERE channel_id = ? ORDER BY rule_id").all(c.id);
        if (rules.length) {
          const ids = rules.map((r) => r.rule_id);
          throw new StoreError("failed-precondition", `alert channel "${c.name}" is named by rule${ids.length > 1 ? "s" : ""} ${ids.slice(0, 5).join(", ")}${ids.length > 5 ? "..." : ""}; delete those rules first (dca-hub alert rule rm)`);
        }
        db.run("DELETE FROM alert_deliveries WHERE channel_id = ?", [c.id]);
        db.run("DELETE FROM alert_channels WHERE id = ?", [c.id]);
        return toChannel(c);
      });
    },
  };
}
