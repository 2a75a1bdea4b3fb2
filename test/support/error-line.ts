/**
 * What every failure of `dca` and `dca-hub` must look like to a person:
 * one line "<binary> <command>: what happened; what to do", the exit code
 * of the README's table, and no stack trace. A usage or configuration
 * error (exit 2) may add one line pointing at the usage.
 */
import { expect } from "bun:test";
import type { CommandResult } from "./service-peers.ts";

/** Asserts `r` failed with `exit` and one error line that starts with `prefix` and contains each of `parts`; returns the line. */
export function expectErrorLine(r: CommandResult, exit: number, prefix: string, ...parts: string[]): string {
  const lines = r.stderr.trimEnd().split("\n");
  const context = `stderr was:\n${r.stderr}`;
  expect(r.exitCode, context).toBe(exit);
  expect(r.stderr, context).not.toMatch(/\n\s+at |^\s+at |Error: /m);
  const line = lines[0]!;
  expect(line.startsWith(`${prefix}: `), context).toBe(true);
  // "what happened; what to do": a semicolon after the prefix.
  expect(line.slice(prefix.length + 2), context).toContain("; ");
  for (const p of parts) expect(line, context).toContain(p);
  const allowed = exit === 2 ? 2 : 1;
  expect(lines.length, context).toBeLessThanOrEqual(allowed);
  if (lines.length === 2) expect(lines[1], context).toMatch(/^\(see "dca(-hub)? [\w -]*--help"\)$|^usage: dca-hub /);
  return line;
}
