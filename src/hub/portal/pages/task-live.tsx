/** @jsxImportSource hono/jsx */
/**
 * A task as its page shows it and as each live event re-renders it
 * (taskEventsHandler(renderTaskLive) at /tasks/:id/events): what was asked,
 * its state, the agent's message, the readings it stored, and what it found.
 * No form in here: the live events have no CSRF token to give one.
 */
import type { Child } from "hono/jsx";
import type { TaskRecord } from "../../../gen/dca/v1/admin_tasks_pb.ts";
import { taskTarget } from "../../admin/task-args.ts";
import { TaskResultView } from "./task-result.tsx";
import { timeText } from "./time-text.ts";

/** The states a task ends in. */
export const FINISHED_STATES = new Set(["done", "failed", "refused", "canceled"]);

/** The kind in words. */
export const KIND_WORDS: Record<string, string> = {
  scan: "Scan",
  read_device: "Read now",
  ping: "Ping",
  traceroute: "Traceroute",
  snmp_test: "SNMP test",
  zebra: "Zebra",
  web_probe: "Web probe",
  web_access: "Web access",
};

/** The live part of a task's page. */
export function TaskLive(p: { task: TaskRecord }): Child {
  const t = p.task;
  const finished = FINISHED_STATES.has(t.state);
  return (
    <div class="task-live" data-state={t.state}>
      <dl class="facts">
        <dt>What</dt>
        <dd>
          {KIND_WORDS[t.kind] ?? t.kind} {t.task ? taskTarget(t.task) : ""}
        </dd>
        <dt>Site</dt>
        <dd>{t.siteName || t.siteId}</dd>
        <dt>State</dt>
        <dd>
          <span class={`state state-${t.state}`}>{t.state}</span>
          {!finished && <span class="hint"> (this page follows it as it runs)</span>}
        </dd>
        <dt>Agent</dt>
        <dd>{t.agentId || (t.targetAgentId ? `${t.targetAgentId} only` : "any agent of the site")}</dd>
        <dt>Created</dt>
        <dd>{timeText(t.createdAt)}</dd>
        <dt>Sent</dt>
        <dd>{timeText(t.sentAt)}</dd>
        <dt>Finished</dt>
        <dd>{timeText(t.finishedAt)}</dd>
        <dt>Message</dt>
        <dd class="task-message">{t.message || "-"}</dd>
        {t.readingIds.length > 0 && (
          <>
            <dt>Readings</dt>
            <dd>
              <code>{t.readingIds.join(" ")}</code>
            </dd>
          </>
        )}
      </dl>
      {t.result?.kind.case && (
        <section class="task-result" aria-label="Result">
          <h2>Result</h2>
          <TaskResultView result={t.result} />
        </section>
      )}
    </div>
  );
}

/** The renderer taskEventsHandler takes. */
export const renderTaskLive = (task: TaskRecord): Child => <TaskLive task={task} />;
