/**
 * The loop as a whole on the manual clock: stopping in the middle of each
 * kind of work resolves, leaves no timer and no call to the hub behind,
 * and loses no stored reading; the wake-up line follows the hub.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { type MqttSettings, MqttSettingsSchema, UploadReadingsResponseSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { sampleReading } from "../outbox/testdata/sample-reading.ts";
import { deferred, pollAnswer } from "./testdata/fake-hub.ts";
import { type TestAgent, doneOutcome, hubConfig, pingTask, startTestAgent } from "./testdata/test-agent.ts";
import { IDLE_TRIM_DELAY_MS } from "./idle-trim.ts";

let t: TestAgent | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Stops the agent and checks that nothing of it goes on: no timer, no call, no further call later. */
async function stopCleanly(t: TestAgent): Promise<void> {
  await t.agent.stop();
  expect(t.clock.pendingTimers()).toBe(0);
  expect(t.hub.inFlight()).toBe(0);
  const calls = () => t.hub.polls.length + t.hub.uploads.length + t.hub.reports.length;
  const before = calls();
  await t.clock.advance(3_600_000);
  expect(calls()).toBe(before);
  expect(t.clock.pendingTimers()).toBe(0);
}

/** Every reading the outbox ever took is either still in it or taken by the hub, once. */
function nothingLost(t: TestAgent): void {
  const next = Number(t.outbox.stats().nextSeq);
  const held = t.outbox.peek(1_000_000).map((e) => Number(e.seq));
  const taken = t.hub.received.map((r) => Number(r.seq));
  expect([...held, ...taken].sort((a, b) => a - b)).toEqual(Array.from({ length: next - 1 }, (_, i) => i + 1));
}

describe("stopping", () => {
  test("with a poll under way: the call is cancelled and stop resolves", async () => {
    t = startTestAgent();
    const never = deferred();
    t.hub.onPoll = () => never.promise.then(() => pollAnswer());
    await t.clock.settle();
    expect(t.hub.inFlight()).toBe(1);
    await stopCleanly(t);
    expect(t.lines.filter((l) => l.startsWith("poll failed"))).toEqual([]);
  });

  test("with an upload under way: stop waits for its batch, which the outbox then forgets; the rest stays", async () => {
    t = startTestAgent({ uploadBatch: 5, before: (_hub, outbox) => outbox.putMany([1, 2, 3, 4, 5, 6, 7].map((n) => ({ reading: sampleReading(n) }))) });
    const held = deferred();
    t.hub.onUpload = async (req) => {
      await held.promise;
      return create(UploadReadingsResponseSchema, { acknowledgedIds: req.readings.map((r) => r.id) });
    };
    await t.clock.settle();
    expect(t.hub.uploads).toHaveLength(1);
    let stopped = false;
    const stopping = t.agent.stop().then(() => (stopped = true));
    await t.clock.advance(5_000);
    expect(stopped).toBe(false);
    held.resolve();
    await stopping;
    await stopCleanly(t);
    expect(t.hub.uploads).toHaveLength(1);
    expect(t.outbox.stats().depth).toBe(2);
    nothingLost(t);
  });

  test("with a job under way: stop resolves; what the job stored stays; it stores nothing after, and is not recorded as done", async () => {
    const sweep = deferred();
    const ids: (string | undefined)[] = [];
    t = startTestAgent({
      runners: {
        discovery: async (ctx) => {
          ids.push(ctx.sink.put(sampleReading(1)));
          await sweep.promise;
          ids.push(ctx.sink.put(sampleReading(2)));
        },
      },
    });
    t.hub.onPoll = (_req, n) => pollAnswer({ config: n === 1 ? hubConfig() : undefined });
    await t.clock.advance(1_000);
    expect(ids).toHaveLength(1);
    await stopCleanly(t);
    sweep.resolve();
    await t.clock.advance(1_000);
    expect(ids[0]).toBeString();
    expect(ids[1]).toBeUndefined();
    expect(t.outbox.stats().nextSeq).toBe(2n);
    expect(t.runtime.load().lastDiscoveryAt).toBeUndefined();
    nothingLost(t);
  });

  test("with a task under way: stop resolves; its result is not sent after the stop", async () => {
    const ping = deferred();
    t = startTestAgent({
      runners: {
        task: async (ctx, task) => {
          const id = ctx.sink.put(sampleReading(1), { taskId: task.id });
          await ping.promise;
          return doneOutcome(t!.clock, "pinged", id ? [id] : []);
        },
      },
    });
    t.hub.onPoll = (_req, n) => pollAnswer({ config: n === 1 ? hubConfig({ targets: [] }) : undefined, tasks: n === 1 ? [pingTask("tsk_9")] : [] });
    await t.clock.advance(1_000);
    expect(t.lines).toContain("task tsk_9 (ping 127.0.0.1) started");
    await stopCleanly(t);
    ping.resolve();
    await t.clock.advance(1_000);
    expect(t.hub.reports).toHaveLength(0);
    expect(t.clock.pendingTimers()).toBe(0);
    nothingLost(t);
  });
});

describe("the wake-up line", () => {
  const mqtt = (urls: string[]): MqttSettings => create(MqttSettingsSchema, { urls, topic: "dca/agents/a1/wake", username: "a1", clientId: "a1" });

  test("opens when the hub names a broker, reopens when that changes, closes when it does not or on stop; a nudge polls", async () => {
    const events: string[] = [];
    let hooks: { wake(): void; pollSeconds(): number } | undefined;
    const answers = [mqtt(["wss://127.0.0.1:1/mqtt"]), mqtt(["wss://127.0.0.1:1/mqtt"]), mqtt(["mqtts://127.0.0.1:2"]), undefined, mqtt(["mqtts://127.0.0.1:2"])];
    t = startTestAgent({
      startWakeups: (settings, h) => {
        hooks = h;
        events.push(`open ${settings.urls[0]}`);
        return { close: async () => void events.push(`close ${settings.urls[0]}`) };
      },
    });
    const { clock, hub } = t;
    hub.onPoll = (_req, n) => pollAnswer({ mqtt: answers[Math.min(n, answers.length) - 1] });
    await clock.settle();
    expect(events).toEqual(["open wss://127.0.0.1:1/mqtt"]);
    expect(hooks!.pollSeconds()).toBe(60);
    hooks!.wake();
    await clock.advance(10);
    expect(hub.polls).toHaveLength(2);
    expect(events).toEqual(["open wss://127.0.0.1:1/mqtt"]);
    hooks!.wake();
    await clock.advance(10);
    hooks!.wake();
    await clock.advance(10);
    hooks!.wake();
    await clock.advance(10);
    expect(hub.polls).toHaveLength(5);
    expect(events).toEqual(["open wss://127.0.0.1:1/mqtt", "close wss://127.0.0.1:1/mqtt", "open mqtts://127.0.0.1:2", "close mqtts://127.0.0.1:2", "open mqtts://127.0.0.1:2"]);
    await t.agent.stop();
    expect(events.at(-1)).toBe("close mqtts://127.0.0.1:2");
  });
});

describe("memory", () => {
  test("is given back once a pass has ended and the agent is quiet, never while the pass runs", async () => {
    const pass = deferred();
    let trims = 0;
    let started = false;
    t = startTestAgent({
      trimMemory: () => trims++,
      runners: {
        discovery: () => {
          started = true;
          return pass.promise;
        },
      },
    });
    t.hub.onPoll = (_req, n) => pollAnswer({ config: n === 1 ? hubConfig({ pollIntervalSeconds: 5 }) : undefined });
    await t.clock.advance(1_000);
    expect(started).toBe(true);
    await t.clock.advance(30_000); // polls every 5 s while the pass runs: no trim
    expect(trims).toBe(0);
    pass.resolve();
    await t.clock.advance(1_000);
    expect(trims).toBe(0);
    await t.clock.advance(IDLE_TRIM_DELAY_MS);
    expect(trims).toBe(1);
  });
});
