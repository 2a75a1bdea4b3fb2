/**
 * The doctor's table for people (status, check, what was found and, for a
 * failure, what to open or allow), and its JSON for scripts.
 */
import type { CheckResult } from "./check-result.ts";
import type { DoctorReport } from "./run-doctor.ts";

const LABEL = { pass: "pass", fail: "FAIL", skip: "skip" } as const;

/** One line per check: "FAIL  TCP to hub.example:443  refused: allow outbound TCP 443 to hub.example". */
export function formatDoctorTable(report: DoctorReport): string {
  const width = Math.min(32, Math.max(...report.checks.map((c) => c.title.length)));
  const lines = report.checks.map((c) => `${LABEL[c.status]}  ${c.title.padEnd(width)}  ${describe(c)}`);
  const failed = report.checks.filter((c) => c.status === "fail").length;
  const summary = failed ? `${failed} of ${report.checks.length} checks failed: open or change what each FAIL line says, then run "dca doctor" again` : `all checks passed or were skipped (skip: not checked, with the reason)`;
  return `dca doctor: ${report.hub}\n${lines.join("\n")}\n${summary}\n`;
}

function describe(c: CheckResult): string {
  return c.action ? `${c.message}: ${c.action}` : c.message;
}

/** The report as JSON: { ok, hub, checks: [{ id, title, status, message, action? }] }. */
export function formatDoctorJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
