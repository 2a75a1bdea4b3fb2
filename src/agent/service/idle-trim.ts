/**
 * Gives memory back once the service has gone quiet. A discovery pass, a read
 * pass or an upload leaves compiled code and freed heap pages that the
 * engine keeps unless told otherwise; between passes the agent only waits
 * for the hub, so after each burst of work it asks the engine to drop what
 * is unused (Bun.shrink). Work that comes again recompiles what it needs.
 */
import type { Clock } from "../../common/clock.ts";

/** How long the service must stay quiet before a trim: one trim per burst of work, not per step. */
export const IDLE_TRIM_DELAY_MS = 2_000;

/** The pending trim. */
export interface IdleTrim {
  /** Work just ended: trim once nothing else has ended for IDLE_TRIM_DELAY_MS. */
  soon(): void;
  /** No trim is pending any more (the service stops). */
  cancel(): void;
}

/** When a trim may run, and what it does. */
export interface IdleTrimOptions {
  /** Work is under way: no trim now (its end asks again). */
  busy(): boolean;
  /** Default Bun.shrink: JavaScriptCore drops unused code and returns free heap pages when next idle. */
  trim?: () => void;
}

/** A trim that waits for the service to stay quiet; run-agent.ts asks for it after each job, task, upload and poll. */
export function createIdleTrim(clock: Clock, opts: IdleTrimOptions): IdleTrim {
  const trim = opts.trim ?? (() => Bun.shrink());
  let cancelTimer: (() => void) | undefined;
  const cancel = () => {
    cancelTimer?.();
    cancelTimer = undefined;
  };
  return {
    soon() {
      cancel();
      cancelTimer = clock.setTimer(() => {
        cancelTimer = undefined;
        if (!opts.busy()) trim();
      }, IDLE_TRIM_DELAY_MS);
    },
    cancel,
  };
}
