/**
 * The agent's local state: its install id, its identity (the hub
 * credential) and the sealed activation lockout.
 */
export { AgentLockedError, lockedMessage, unlockCommandLine } from "./agent-locked-error.ts";
export { ensureStateDir } from "./ensure-state-dir.ts";
export { clearIdentity, describeIdentity, type Identity, loadIdentity, redactUrl, saveIdentity } from "./identity.ts";
export { installId } from "./install-id.ts";
export {
  applyHubReset,
  beginActivationAttempt,
  settleActivationAttempt,
  UNSETTLED_ATTEMPT,
  assertNotLocked,
  inspectLockState,
  peekLockState,
  type LockInspection,
  type LockState,
  MAX_FAILED_ACTIVATIONS,
  readLockState,
  recordFailedActivation,
  sealLockState,
} from "./lock-state.ts";
export { MACHINE_ID_FILE_ENV } from "./machine-id.ts";
export { RUN_LOCK_FILE } from "./state-files.ts";
export { type CopyReport, SEAL_DIR_ENV } from "./sealed-copies.ts";
