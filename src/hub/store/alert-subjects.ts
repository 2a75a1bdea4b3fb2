/**
 * Each alert rule kind as SQL over the denormalized device and agent columns
 * (devices.lowest_supply_percent, supply_state, last_read_at, error_since;
 * agents.last_poll_at; counter_flags by device and time), and how a matching
 * row is described in a notice. An evaluation never reads a reading's
 * protobuf: it costs a few indexed queries per rule, whatever the fleet.
 */
import { CounterKind } from "../../gen/dca/v1/reading_pb.ts";
import type { AlertRule } from "./alert-types.ts";

/** One rule's condition: the subject table (aliased `s`), and a WHERE over it with its parameters. */
export interface Condition {
  table: "devices" | "agents";
  where: string;
  params: (string | number)[];
}

/** The columns a matching subject is described from (devices and agents alike; absent ones NULL). */
export interface SubjectRow {
  id: string;
  site_id: string;
  created_at: number;
  vendor: string | null;
  model: string | null;
  serial_number: string | null;
  address: string | null;
  lowest_supply_description: string | null;
  lowest_supply_percent: number | null;
  supply_state: string | null;
  supply_state_description: string | null;
  last_read_at: number | null;
  status: string | null;
  error_since: number | null;
  hostname: string | null;
  last_poll_at: number | null;
  flag: string | null;
}

/** The columns of SubjectRow for each table (a flagged counter only for counter-flagged rules). */
export function subjectColumns(rule: AlertRule, nowMs: number): { sql: string; params: (string | number)[] } {
  if (rule.kind === "agent-offline") {
    return {
      sql: `s.id, s.site_id, s.created_at, NULL AS vendor, NULL AS model, NULL AS serial_number, NULL AS address, NULL AS lowest_supply_description,
        NULL AS lowest_supply_percent, NULL AS supply_state, NULL AS supply_state_description, NULL AS last_read_at, NULL AS status, NULL AS error_since,
        s.hostname, s.last_poll_at, NULL AS flag`,
      params: [],
    };
  }
  const flag =
    rule.kind === "counter-flagged"
      ? `(SELECT f.kind || char(31) || f.name || char(31) || f.reason || char(31) || f.previous || char(31) || f.value FROM counter_flags f WHERE f.device_id = s.id AND f.at >= ? ORDER BY f.at DESC, f.id DESC LIMIT 1)`
      : "NULL";
  return {
    sql: `s.id, s.site_id, s.created_at, s.vendor, s.model, s.serial_number, s.address, s.lowest_supply_description, s.lowest_supply_percent,
      s.supply_state, s.supply_state_description, s.last_read_at, s.status, s.error_since, NULL AS hostname, NULL AS last_poll_at, ${flag} AS flag`,
    params: rule.kind === "counter-flagged" ? [nowMs - rule.seconds * 1000] : [],
  };
}

/** The condition of `rule` at `nowMs`, restricted to its site when it has one. */
export function conditionOf(rule: AlertRule, nowMs: number): Condition {
  const cutoff = nowMs - rule.seconds * 1000;
  const base = ((): Condition => {
    switch (rule.kind) {
      case "supply-below":
        return { table: "devices", where: "s.lowest_supply_percent IS NOT NULL AND s.lowest_supply_percent < ?", params: [rule.percent] };
      case "supply-state":
        return { table: "devices", where: rule.state === "empty" ? "s.supply_state = 'empty'" : "s.supply_state IN ('low', 'empty')", params: [] };
      case "not-read":
        return { table: "devices", where: "coalesce(s.last_read_at, s.created_at) < ?", params: [cutoff] };
      case "device-error":
        return { table: "devices", where: "s.error_since IS NOT NULL AND s.error_since <= ?", params: [cutoff] };
      case "counter-flagged":
        return { table: "devices", where: "EXISTS (SELECT 1 FROM counter_flags f WHERE f.device_id = s.id AND f.at >= ?)", params: [cutoff] };
      case "agent-offline":
        // A disabled or replaced agent is not expected to poll: it is not offline, it is gone.
        return { table: "agents", where: "s.disabled = 0 AND s.replaced_by IS NULL AND coalesce(s.last_poll_at, s.created_at) < ?", params: [cutoff] };
    }
  })();
  return rule.siteId === undefined ? base : { ...base, where: `${base.where} AND s.site_id = ?`, params: [...base.params, rule.siteId] };
}

const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")}Z`;
const percent = (p: number) => `${Math.round(p * 10) / 10} %`;

/** What the subject is, as a notice names it ("HP LaserJet M507 (serial SN1) at 10.0.0.7", "agent pc-01"). */
export function subjectLabel(r: SubjectRow): string {
  if (r.hostname !== null) return `agent ${r.hostname || r.id}`;
  const name = [r.vendor, r.model].filter(Boolean).join(" ") || "device";
  return `${name}${r.serial_number ? ` (serial ${r.serial_number})` : ""}${r.address ? ` at ${r.address}` : ""}`;
}

/** What the rule saw on the subject, in a few words. */
export function subjectSummary(rule: AlertRule, r: SubjectRow): string {
  switch (rule.kind) {
    case "supply-below":
      return `${r.lowest_supply_description || "a supply"} at ${percent(r.lowest_supply_percent ?? 0)} (below ${percent(rule.percent)})`;
    case "supply-state":
      return `${r.supply_state_description || "a supply"} is ${r.supply_state === "empty" ? "empty (or a waste receptacle full)" : "low"}`;
    case "not-read":
      return r.last_read_at === null ? `never read (known since ${iso(r.created_at)})` : `last read ${iso(r.last_read_at)}`;
    case "device-error":
      return `in error since ${iso(r.error_since ?? r.created_at)}: ${r.status || "no status"}`;
    case "counter-flagged": {
      const [kind, name, reason, previous, value] = (r.flag ?? "").split("\u001f");
      const meter = name || (CounterKind[Number(kind)] ?? "").toLowerCase().replaceAll("_", " ") || "a counter";
      return r.flag ? `${meter} counter ${reason === "backwards" ? "went backwards" : "jumped"} from ${previous} to ${value}` : "a counter was flagged";
    }
    case "agent-offline":
      return r.last_poll_at === null ? `never polled (activated ${iso(r.created_at)})` : `last poll ${iso(r.last_poll_at)}`;
  }
}
