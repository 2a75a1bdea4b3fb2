/**
 * The attack bench's tables: per attack, the honest agent's calls under
 * attack against the quiet window on the same hub (the peer), with ranges
 * over the rounds, the hub's memory, and how the hub refused.
 */
import { type TimedCall, failuresOf, quantile } from "../../support/attack/honest-client.ts";
import type { StageResult, Window } from "./stage.ts";

/** A table row: one attack (the quota attack gives two, before and after the quota is used). */
export interface RowResult {
  label: string;
  quiet: Window;
  attack: { polls: TimedCall[]; uploads: TimedCall[]; agentLog: string[] };
  stage: StageResult;
}

/** Splits a stage into its rows. */
export function rowsOf(label: string, stage: StageResult): RowResult[] {
  const { attack } = stage;
  if (stage.plan.attack !== "quota") return [{ label, quiet: stage.quiet, attack: { ...attack.calls, agentLog: attack.agentLog }, stage }];
  const split = stage.overQuotaAt ?? Number.POSITIVE_INFINITY;
  const before = (c: TimedCall) => c.at < split;
  return [
    { label: `${label}, until the quota is used`, quiet: stage.quiet, attack: { polls: attack.calls.polls.filter(before), uploads: attack.calls.uploads.filter(before), agentLog: attack.agentLog }, stage },
    { label: `${label}, over the quota`, quiet: stage.quiet, attack: { polls: attack.calls.polls.filter((c) => !before(c)), uploads: attack.calls.uploads.filter((c) => !before(c)), agentLog: [] }, stage },
  ];
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "-");

/** "a" or "a-b" over the rounds. */
function range(xs: number[], digits = 0): string {
  const ok = xs.filter(Number.isFinite);
  if (ok.length === 0) return "-";
  const lo = fmt(Math.min(...ok), digits);
  const hi = fmt(Math.max(...ok), digits);
  return lo === hi ? lo : `${lo}-${hi}`;
}

const p = (calls: TimedCall[], q: number) => quantile(calls, q);
const pair = (rows: RowResult[], pick: (r: RowResult) => TimedCall[]) => `${range(rows.map((r) => p(pick(r), 0.5)), 1)} / ${range(rows.map((r) => p(pick(r), 0.99)), 1)}`;
const ratio = (rows: RowResult[], pick: (r: RowResult) => TimedCall[], peer: (r: RowResult) => TimedCall[]) =>
  `${range(rows.map((r) => p(pick(r), 0.5) / p(peer(r), 0.5)), 2)} / ${range(rows.map((r) => p(pick(r), 0.99) / p(peer(r), 0.99)), 2)}`;

/** The dca run log lines that say something failed. */
export const agentFailureLines = (lines: string[]) => lines.filter((l) => /fail|retrying|refused|error|kept in the outbox|timed out/i.test(l));

/** Numeric refusal counters as ranges over the rounds; other values as seen in the first round. */
function refusals(rows: RowResult[]): string {
  const keys = Object.keys(rows[0]!.stage.refusals);
  return keys
    .map((k) => {
      const vs = rows.map((r) => r.stage.refusals[k]);
      if (vs.every((v) => typeof v === "number")) return `${k} ${range(vs as number[])}`;
      return `${k} ${JSON.stringify(vs[0])}`;
    })
    .join("; ");
}

/** The main table, one line per attack row; `rows` holds that row's result from every round. */
export function mainTable(byLabel: Map<string, RowResult[]>): string {
  const out = [
    "| attack | poll p50 / p99 ms under attack | quiet (peer) | ratio p50 / p99 | upload p50 / p99 ms under attack | quiet (peer) | honest failures: calls under attack (quiet) / `dca run` lines | hub RSS MB: quiet / peak / 5 s after | calls timed | how the hub refused (attacker's counts per round) |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const [label, rows] of byLabel) {
    const failed = rows.map((r) => failuresOf([...r.attack.polls, ...r.attack.uploads]).length);
    const quietFailed = rows.map((r) => failuresOf([...r.quiet.calls.polls, ...r.quiet.calls.uploads]).length);
    const agentLines = rows.map((r) => agentFailureLines(r.attack.agentLog).length);
    out.push(
      `| ${label} | ${pair(rows, (r) => r.attack.polls)} | ${pair(rows, (r) => r.quiet.calls.polls)} | ${ratio(rows, (r) => r.attack.polls, (r) => r.quiet.calls.polls)} | ${pair(rows, (r) => r.attack.uploads)} | ${pair(rows, (r) => r.quiet.calls.uploads)} | ${range(failed)} (${range(quietFailed)}) / ${range(agentLines)} | ${range(rows.map((r) => r.quiet.rssMaxMb))} / ${range(rows.map((r) => r.stage.rssPeakMb))} / ${range(rows.map((r) => r.stage.rssAfterMb))} | ${range(rows.map((r) => r.attack.polls.length))} polls, ${range(rows.map((r) => r.attack.uploads.length))} uploads | ${refusals(rows)} |`,
    );
  }
  return out.join("\n");
}

/** Activation and MQTT-over-WebSocket connect times, under attack and quiet, for the stages that time them. */
export function activationTable(byLabel: Map<string, RowResult[]>): string {
  const out = ["| attack | `dca activate` ms under attack | quiet (peer) | MQTT over WebSocket connect ms under attack | quiet (peer) | outcomes under attack |", "| --- | --- | --- | --- | --- | --- |"];
  for (const [label, rows] of byLabel) {
    if (!rows[0]!.stage.attack.activate) continue;
    const a = rows.map((r) => r.stage.attack);
    const q = rows.map((r) => r.stage.quiet);
    const outcomes = a.map((w) => `activate exit ${w.activate?.exitCode}${w.mqtt ? `, mqtt ${w.mqtt.outcome}` : ""}`).join("; ");
    out.push(
      `| ${label} | ${range(a.map((w) => w.activate?.ms ?? Number.NaN))} | ${range(q.map((w) => w.activate?.ms ?? Number.NaN))} | ${range(a.map((w) => w.mqtt?.ms ?? Number.NaN))} | ${range(q.map((w) => w.mqtt?.ms ?? Number.NaN))} | ${outcomes} |`,
    );
  }
  return out.join("\n");
}
