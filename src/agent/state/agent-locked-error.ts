/**
 * The error every command but `--version`, `status` and `unlock` gets while
 * the agent is locked. Its message is the whole recovery procedure, since
 * the person reading it is usually at the customer's PC with no docs.
 */
import { DcaError } from "../../common/errors.ts";
import type { LockState } from "./lock-state.ts";

/** Thrown by assertNotLocked (and refused operations) while the agent is locked: code `locked` (exit 3). */
export class AgentLockedError extends DcaError {
  override name = "AgentLockedError";

  constructor(
    /** The install id the hub admin needs for the reset. */
    readonly installId: string,
    /** The state that locked the agent. */
    readonly state: LockState,
  ) {
    super("locked", lockedMessage(installId, state));
  }
}

/** Why the agent is locked and the ways out, with the install id filled in. */
export function lockedMessage(installId: string, state: LockState): string {
  const why = state.tampered
    ? `dca is locked because its sealed activation state failed verification: ${state.tampered}.`
    : `dca is locked after ${state.failedAttempts} failed activation attempts${state.lockedAt ? ` (since ${state.lockedAt})` : ""}.`;
  return [
    why,
    `Install id: ${installId}`,
    "To recover:",
    `  1. a hub administrator runs:  dca-hub install reset ${installId}`,
    `  2. then, on this PC, run:     ${unlockCommandLine(state)}`,
    "Or install dca afresh (a new download into a new state folder).",
  ].join("\n");
}

/**
 * The unlock command to run here: plain `dca unlock` when the lock state
 * remembers the hub and how it was trusted, otherwise with what it lacks.
 */
export function unlockCommandLine(state: Pick<LockState, "hubUrl" | "caPem" | "caFingerprint">): string {
  if (state.hubUrl && (state.caPem || state.caFingerprint)) return "dca unlock";
  const hub = state.hubUrl ? "" : " --hub https://HOST:PORT";
  return `dca unlock${hub} (add --ca-fingerprint sha256:... as "dca-hub serve" prints it, or --ca FILE, if the hub uses its own CA)`;
}
