/** The hub's embedded store (bun:sqlite): sites, activation, agents, readings, devices and tasks. */
export { openHubStore, type HubStoreOptions } from "./open-hub-store.ts";
export { StoreError, type StoreErrorCode } from "./store-error.ts";
export { DEFAULT_CODE_TTL_MS, MAX_FAILED_ATTEMPTS } from "./activation.ts";
export { SENT_TIMEOUT_MS } from "./tasks.ts";
export { JUMP_MIN_PAGES, JUMP_PAGES_PER_DAY } from "./counter-flags.ts";
export type {
  ActivateFailure,
  ActivateRequest,
  ActivateResult,
  Agent,
  CounterFlag,
  DeviceSummary,
  HubStore,
  Install,
  PollInfo,
  Site,
  StoreReadingsResult,
  StoredReading,
  StoredTask,
  TaskKind,
  TaskState,
} from "./types.ts";
