/**
 * runAgent for unit tests: a manual clock, a fake hub, a real outbox and
 * real runtime state in a temporary folder, job and task runners the test
 * controls (by default they store nothing and end at once), and the log
 * kept as lines.
 */
import { create } from "@bufbuild/protobuf";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AgentConfig, AgentConfigSchema, type Task, TaskSchema, TaskStatus } from "../../../gen/dca/v1/agent_service_pb.ts";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type ManualClock, manualClock } from "../../../../test/support/manual-clock.ts";
import { type Outbox, openOutbox } from "../../outbox/index.ts";
import { type RunAgentOptions, type RunningAgent, runAgent } from "../run-agent.ts";
import { type RuntimeStore, createRuntimeStore } from "../runtime-state.ts";
import type { TaskOutcome } from "../tasks/run-task.ts";
import { type FakeHub, createFakeHub } from "./fake-hub.ts";

export interface TestAgent {
  agent: RunningAgent;
  clock: ManualClock;
  hub: FakeHub;
  outbox: Outbox;
  runtime: RuntimeStore;
  lines: string[];
  /** Stops the agent if still running, closes the outbox, removes the folder. */
  close(): Promise<void>;
}

export interface TestAgentOptions extends Partial<Omit<RunAgentOptions, "client" | "outbox" | "runtime" | "clock" | "log">> {
  /** Called with the hub and outbox before the agent starts (to fill the outbox, set handlers). */
  before?(hub: FakeHub, outbox: Outbox, clock: ManualClock): void;
}

/** A valid config from the hub: one target, polls every 60 s unless `init` says otherwise. */
export function hubConfig(init: Parameters<typeof create<typeof AgentConfigSchema>>[1] = {}): AgentConfig {
  return create(AgentConfigSchema, { version: 1n, targets: ["127.0.0.1"], pollIntervalSeconds: 60, ...init });
}

/** A ping task (the runner is the test's, so nothing is sent). */
export function pingTask(id: string): Task {
  return create(TaskSchema, { id, kind: { case: "ping", value: { address: "127.0.0.1" } } });
}

/** A task outcome the way runTask makes one. */
export function doneOutcome(clock: ManualClock, message = "ok", readingIds: string[] = []): TaskOutcome {
  return { status: TaskStatus.DONE, message, readingIds, startedAt: timestampFromMs(clock.now()) };
}

export function startTestAgent(opts: TestAgentOptions = {}): TestAgent {
  const dir = mkdtempSync(join(tmpdir(), "dca-run-agent-"));
  const clock = manualClock();
  const hub = createFakeHub(clock);
  const outbox = openOutbox(join(dir, "outbox.db"), { now: clock.now });
  const runtime = createRuntimeStore(dir);
  const lines: string[] = [];
  const { before, ...rest } = opts;
  before?.(hub, outbox, clock);
  const agent = runAgent({
    agentVersion: "test",
    hostname: "test-host",
    random: () => 0.5,
    ...rest,
    runners: { discovery: async () => {}, reads: async () => {}, task: async () => doneOutcome(clock), ...rest.runners },
    client: hub,
    outbox,
    runtime,
    clock,
    log: (line) => lines.push(line),
  });
  return {
    agent,
    clock,
    hub,
    outbox,
    runtime,
    lines,
    async close() {
      await agent.stop();
      outbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Advances the clock a second at a time until `cond()` holds; fails after `maxMs`. */
export async function advanceUntil(clock: ManualClock, cond: () => boolean, maxMs = 3_600_000): Promise<void> {
  for (let spent = 0; !cond(); spent += 1_000) {
    if (spent >= maxMs) throw new Error(`not within ${maxMs} ms of clock time`);
    await clock.advance(1_000);
  }
}

/** Gaps between successive times, in ms. */
export const gaps = (xs: readonly { at: number }[]) => xs.slice(1).map((x, i) => x.at - xs[i]!.at);
