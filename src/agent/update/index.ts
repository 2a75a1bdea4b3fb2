/**
 * Self-update of the agent (docs/release.md, "How a release reaches agents";
 * docs/security.md, "Self-update"): the updater the service runs, the start-up
 * trial of a new version, and the restart.
 */
export { restartSelf } from "./restart-self.ts";
export { beginStart, markHealthy, rollBack, type StartKind } from "./start-trial.ts";
export { TEST_FAULT } from "./test-fault.ts";
export { type PendingUpdate, type UpdateState, createUpdateState } from "./update-state.ts";
export { type ReadyRelease, type Updater, createUpdater, runPreflight } from "./updater.ts";
