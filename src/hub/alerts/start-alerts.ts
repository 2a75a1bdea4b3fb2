/**
 * The hub's alert loop: at start and then every minute (or `everyMs`),
 * evaluate the rules, then send the notices due. A run starts only when the
 * last one has finished, so a slow receiver delays the next run but never
 * piles runs up; nothing a run meets (a store error, a receiver down) stops
 * the loop or the hub. Stopping aborts the notices in flight.
 */
import { type Clock, systemClock } from "../../common/clock.ts";
import { DcaError } from "../../common/errors.ts";
import type { AlertStore, SiteAdminStore } from "../store/index.ts";
import { deliverDue } from "./alert-deliverer.ts";
import { ALERT_LIMITS, type AlertLimits, createAlertEvaluator } from "./alert-evaluator.ts";
import { type ChannelSender, sendToChannel } from "./channel-sender.ts";

/** How often alerts are evaluated unless told otherwise. */
export const ALERT_EVERY_MS = 60_000;

/** Options of startAlerts. */
export interface AlertLoopOptions {
  store: AlertStore & Pick<SiteAdminStore, "getSite">;
  log: (line: string) => void;
  clock?: Clock;
  everyMs?: number;
  /** How notices are sent (tests put their own); the real webhook and SMTP senders by default. */
  send?: ChannelSender;
  limits?: AlertLimits;
}

/** The running loop. */
export interface AlertLoop {
  /** Runs one round now (waiting for one in progress first); for tests and after a change. */
  runOnce(): Promise<void>;
  /** Stops the loop and aborts notices in flight; resolves when the round in progress has ended. */
  stop(): Promise<void>;
}

/** Starts the loop; the first round runs at once. */
export function startAlerts(opts: AlertLoopOptions): AlertLoop {
  const clock = opts.clock ?? systemClock;
  const limits = opts.limits ?? ALERT_LIMITS;
  const evaluator = createAlertEvaluator(opts.store, limits, clock.now());
  const abort = new AbortController();
  let cancel = () => {};
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const round = async () => {
    const now = clock.now();
    try {
      const r = evaluator.evaluate(now);
      if (r.opened || r.resolved) opts.log(`alerts: ${r.opened} opened, ${r.resolved} resolved`);
      for (const f of r.failures) opts.log(`alerts: evaluating ${f}`);
    } catch (e) {
      opts.log(`alerts: evaluation failed: ${DcaError.from(e).message}`);
    }
    try {
      await deliverDue({ store: opts.store, send: opts.send ?? sendToChannel, log: opts.log }, now, { limit: limits.deliveriesPerRun, concurrency: limits.concurrency, signal: abort.signal });
    } catch (e) {
      opts.log(`alerts: sending notices failed: ${DcaError.from(e).message}`);
    }
  };

  const tick = () => {
    if (stopped) return;
    running = running.then(round).finally(() => {
      if (!stopped) cancel = clock.setTimer(tick, opts.everyMs ?? ALERT_EVERY_MS);
    });
  };
  tick();

  return {
    async runOnce() {
      running = running.then(round);
      await running;
    },
    async stop() {
      stopped = true;
      cancel();
      abort.abort();
      await running.catch(() => {});
    },
  };
}
