/**
 * The exit codes of both executables, from an error's code: the one table
 * the CLIs, their --help and the README follow. Imports nothing at run time,
 * so that --help stays fast.
 */
import type { ErrorCode } from "./errors.ts";

/** What a `dca` or `dca-hub` process exits with. */
export type ExitCode = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** Each exit code and what it means, in order. */
export const EXIT_CODES: readonly { exit: ExitCode; meaning: string }[] = [
  { exit: 0, meaning: "success" },
  { exit: 1, meaning: "failed: a device or the hub did not answer, something is not found or already exists..." },
  { exit: 2, meaning: "usage or configuration error: fix the command line or the config" },
  { exit: 3, meaning: 'the agent is locked after failed activations (see "dca status"); for "dca read": a device answered but is not a printer' },
  { exit: 4, meaning: '"dca doctor": at least one check failed; each FAIL line says what to open or change' },
  { exit: 5, meaning: "this executable fails its integrity check (changed, truncated, or not signed by a trusted key): reinstall it from a signed release" },
  { exit: 6, meaning: "the agent replaced its executable (an update or a rollback) and could not restart itself in place: start it again (a service manager does)" },
];

/** `dca doctor` ran every check and at least one failed (a check that could not run at all is 1 or 2, as for any command). */
export const EXIT_DOCTOR_FAILED: ExitCode = 4;

/** The exit code of a release build whose own file fails its integrity check (src/agent/integrity). */
export const INTEGRITY_EXIT = 5 satisfies ExitCode;

/**
 * `dca run` swapped its executable (an update or a rollback) and could not restart itself in place
 * (Windows, or DCA_RESTART=exit): it ends so that its service manager starts the file again
 * (src/agent/update/restart-self.ts; docs/release.md).
 */
export const UPDATE_RESTART_EXIT = 6 satisfies ExitCode;

/** The exit code for a failure with `code`. */
export function exitCodeOf(code: ErrorCode): ExitCode {
  switch (code) {
    case "usage":
    case "invalid-argument":
    case "invalid-config":
      return 2;
    case "locked":
      return 3;
    case "not-found":
    case "already-exists":
    case "failed-precondition":
    case "permission-denied":
    case "unauthenticated":
    case "resource-exhausted":
    case "unavailable":
    case "deadline-exceeded":
    case "canceled":
    case "malformed":
    case "data-loss":
    case "unimplemented":
    case "internal":
      return 1;
    default:
      return code satisfies never;
  }
}

/** The "Exit codes:" paragraph of a --help text, for the codes `exits` (the hub never locks). */
export function exitCodesHelp(exits: readonly ExitCode[]): string {
  const rows = EXIT_CODES.filter((r) => exits.includes(r.exit)).map((r) => `  ${r.exit}  ${r.meaning}`);
  return `Exit codes:\n${rows.join("\n")}\n`;
}
