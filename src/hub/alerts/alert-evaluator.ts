/**
 * One evaluation of every alert rule: each rule opens alerts for subjects
 * newly matching it and resolves those that no longer do (the store does
 * each rule in one transaction and queues the notices). The work of one run
 * is bounded: at most so many changes per rule and per run, the rest left
 * for the next run, which starts at the next rule so none is starved.
 */
import { DcaError } from "../../common/errors.ts";
import type { AlertStore } from "../store/index.ts";

/** The bounds of one run. */
export interface AlertLimits {
  /** Alerts one rule may open (and, apart, resolve) in one run. */
  changesPerRule: number;
  /** Alerts all rules together may open and resolve in one run. */
  changesPerRun: number;
  /** Notices sent in one run. */
  deliveriesPerRun: number;
  /** Notices sent at once. */
  concurrency: number;
  /** Resolved alerts older than this are deleted. */
  retentionDays: number;
  /** Alerts deleted per run. */
  prunePerRun: number;
}

/** The bounds the hub runs with. */
export const ALERT_LIMITS: Readonly<AlertLimits> = Object.freeze({
  changesPerRule: 500,
  changesPerRun: 2000,
  deliveriesPerRun: 100,
  concurrency: 4,
  retentionDays: 400,
  prunePerRun: 1000,
});

const DAY_MS = 86_400_000;

/** What one run did, for the log. */
export interface EvaluationResult {
  rules: number;
  opened: number;
  resolved: number;
  pruned: number;
  /** Rules whose evaluation failed, with why (the others still ran). */
  failures: string[];
}

/**
 * Rules about silence: while the hub was stopped no agent could poll or upload, so after a start
 * they open nothing until the hub has been up for their duration (they still resolve).
 */
const SILENCE: ReadonlySet<string> = new Set(["not-read", "agent-offline"]);

/**
 * Evaluates rules on `store`; keeps where the last run stopped. `startedAt` is when the hub
 * started (ms; default: never, as for a hub that has always run).
 */
export function createAlertEvaluator(store: Pick<AlertStore, "listAlertRules" | "evaluateAlertRule" | "pruneAlerts">, limits: AlertLimits = ALERT_LIMITS, startedAt = Number.NEGATIVE_INFINITY) {
  let next = 0;
  return {
    evaluate(nowMs: number): EvaluationResult {
      const out: EvaluationResult = { rules: 0, opened: 0, resolved: 0, pruned: 0, failures: [] };
      const rules = store.listAlertRules();
      let budget = limits.changesPerRun;
      const start = rules.length ? next % rules.length : 0;
      for (let i = 0; i < rules.length && budget > 0; i++) {
        const rule = rules[(start + i) % rules.length]!;
        try {
          const most = Math.min(limits.changesPerRule, budget);
          const settling = SILENCE.has(rule.kind) && nowMs - startedAt < rule.seconds * 1000;
          const r = store.evaluateAlertRule(rule, nowMs, { open: settling ? 0 : most, resolve: most });
          out.opened += r.opened.length;
          out.resolved += r.resolved.length;
          budget -= r.opened.length + r.resolved.length;
        } catch (e) {
          out.failures.push(`rule ${rule.id}: ${DcaError.from(e).message}`);
        }
        out.rules++;
        next = (start + i + 1) % rules.length;
      }
      out.pruned = store.pruneAlerts(nowMs - limits.retentionDays * DAY_MS, limits.prunePerRun);
      return out;
    },
  };
}
