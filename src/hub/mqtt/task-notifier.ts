/**
 * Watches the store for new tasks and nudges their agents. Tasks are
 * created by admin commands in other processes, so the serve process learns
 * of them by reading the store (a cheap indexed query every ~100 ms), not by
 * a call. A task for one agent nudges that agent; a task for a site nudges
 * every enabled agent of it. A site whose config changed nudges its agents
 * too, so a new config applies at once (checked every 2 s: one query of
 * every site's config version).
 */
import type { WakeStore } from "../store/index.ts";
import { nudgePayload, wakeTopic } from "../../common/wake-topic.ts";

/** Where nudges go: the embedded broker, or an external one as a client. */
export type PublishNudge = (topic: string, payload: Buffer) => Promise<void>;

export interface TaskNotifierOptions {
  store: Pick<WakeStore, "tasksCreatedSince" | "lastTaskCursor" | "listAgents" | "siteConfigVersions">;
  publish: PublishNudge;
  /** How often to look for new tasks (default 100 ms). */
  intervalMs?: number;
  /** How often to look for changed site configs (default 2 s; 0 turns it off). */
  configIntervalMs?: number;
  log: (line: string) => void;
}

export interface TaskNotifier {
  /** Looks once now (tests, and the timer). */
  check(): Promise<void>;
  /** Wakes these agents now (a failure is logged, never thrown: they poll anyway). */
  nudge(agentIds: string[]): Promise<void>;
  stop(): void;
}

export function startTaskNotifier(opts: TaskNotifierOptions): TaskNotifier {
  const { store, publish, log } = opts;
  let cursor = store.lastTaskCursor();
  const configVersions = new Map<string, bigint>();
  let lastConfigCheck = 0;
  const configEvery = opts.configIntervalMs ?? 2_000;
  let lastFailure = "";
  let running: Promise<void> | undefined;

  const enabledAgents = (siteId: string) => store.listAgents(siteId).filter((a) => !a.disabled && !a.replacedBy).map((a) => a.id);

  async function nudge(agentIds: string[], taskId?: string): Promise<void> {
    for (const id of agentIds) {
      try {
        await publish(wakeTopic(id), nudgePayload(taskId));
        lastFailure = "";
      } catch (e) {
        // Said once per kind of failure: the agents still get the task at their next poll.
        const why = (e as Error).message;
        if (why !== lastFailure) log(`mqtt: cannot nudge agent ${id}: ${why}; it gets the work at its next poll`);
        lastFailure = why;
      }
    }
  }

  async function checkTasks(): Promise<void> {
    for (;;) {
      const r = store.tasksCreatedSince(cursor, 200);
      cursor = r.cursor;
      for (const t of r.tasks) await nudge(t.targetAgentId ? [t.targetAgentId] : enabledAgents(t.siteId), t.id);
      if (r.tasks.length < 200) return;
    }
  }

  async function checkConfigs(): Promise<void> {
    for (const [siteId, version] of store.siteConfigVersions()) {
      const known = configVersions.get(siteId);
      configVersions.set(siteId, version);
      if (known !== undefined && version > known) await nudge(enabledAgents(siteId));
    }
  }

  async function check(): Promise<void> {
    await checkTasks();
    if (configEvery > 0 && Date.now() - lastConfigCheck >= configEvery) {
      lastConfigCheck = Date.now();
      await checkConfigs();
    }
  }

  const timer = setInterval(() => {
    if (running) return;
    running = check()
      .catch((e) => log(`mqtt: watching for new tasks failed: ${(e as Error).message}`))
      .finally(() => (running = undefined));
  }, opts.intervalMs ?? 100);
  return {
    check,
    nudge,
    stop: () => clearInterval(timer),
  };
}
