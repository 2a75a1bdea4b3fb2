/**
 * What every failure of `dca` and `dca-hub` must look like to a person:
 * one line "<binary> <command>: what happened; what to do", the exit code
 * of the README's table, and no stack trace. A usage or configuration
 * error (exit 2) may add one line pointing at the usage, which then says
 * what to do.
 */
import { expect } from "bun:test";
import type { CommandResult } from "./service-peers.ts";

/** Asserts `r` failed with `exit` and one error line that starts with `prefix` and contains each of `parts`; returns the line. */
export function expectErrorLine(r: CommandResult, exit: number, prefix: string, ...parts: string[]): string {
  // A server's log lines (timestamped) may come before its error line.
  const lines = r.stderr.trimEnd().split("\n").filter((l) => !/^\d{4}-\d\d-\d\dT[\d:.]+Z /.test(l));
  const context = `stderr was:\n${r.stderr}`;
  expect(r.exitCode, context).toBe(exit);
  expect(r.stderr, context).not.toMatch(/\n\s+at |^\s+at |Error: /m);
  const line = lines[0]!;
  expect(line.startsWith(`${prefix}: `), context).toBe(true);
  // "what happened; what to do": a semicolon after the prefix; a usage error may leave the second part to the usage it points at.
  if (exit !== 2) expect(line.slice(prefix.length + 2), context).toContain("; ");
  for (const p of parts) expect(line, context).toContain(p);
  const allowed = exit === 2 ? 2 : 1;
  expect(lines.length, context).toBeLessThanOrEqual(allowed);
  if (lines.length === 2) expect(lines[1], context).toMatch(/^\(see "dca(-hub)? [\w -]*--help"\)$|^usage: dca-hub /);
  return line;
}
