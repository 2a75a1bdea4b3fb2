/**
 * How both CLIs end a failed command: the error as one line
 * `dca <command>: what happened; what to do` (the lockout notice keeps its
 * lines), a pointer to the usage after a usage or configuration error, and
 * the exit code from the one table. Never a stack trace, unless DCA_DEBUG is
 * set, for a bug report.
 */
import { DcaError } from "./errors.ts";
import { type ExitCode, exitCodeOf } from "./exit-codes.ts";

export interface FailureReport {
  /** What the line starts with: "dca read", "dca-hub site create". */
  prefix: string;
  /** Printed after an error that exits 2 (a usage or configuration error). */
  usage?: string;
  write: (text: string) => void;
  /** Where DCA_DEBUG is read (the process environment by default). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Writes `e` for an operator and returns the exit code it maps to. */
export function reportFailure(e: unknown, report: FailureReport): ExitCode {
  const err = DcaError.from(e);
  const exit = exitCodeOf(err.code);
  let text = `${report.prefix}: ${err.message}\n`;
  if (exit === 2 && report.usage) text += `${report.usage}\n`;
  if ((report.env ?? process.env).DCA_DEBUG) text += `${stackOf(err)}\n`;
  report.write(text);
  return exit;
}

function stackOf(err: DcaError): string {
  const inner = err.cause instanceof Error ? err.cause : err;
  return inner.stack ?? String(inner);
}
