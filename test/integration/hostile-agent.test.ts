/**
 * A stolen agent credential against the real hub process (`dca-hub serve`),
 * driven by a client written here: the reading's bounds (a long string is
 * cut and said so, too many entries are refused, `device list --json` stays
 * small), the per-agent upload quota (refused with a retry delay, nothing
 * stored twice or past the quota, said once in the hub's log), and a task
 * result from an agent the task was not given to (refused; the real one is kept).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { OutboxReadingSchema, TaskStatus } from "../../src/gen/dca/v1/agent_service_pb.ts";
import { RETRY_AFTER_HEADER } from "../../src/common/connect-code.ts";
import { type AgentClient, activateClient } from "../support/attack/agent-client.ts";
import { type HubProcess, startHubProcess } from "../support/service-peers.ts";

const QUOTA = 30;
let tmp: string;
let hub: HubProcess;
const clients: AgentClient[] = [];
const closers: (() => void)[] = [];

async function newAgent(name: string): Promise<{ client: AgentClient; agentId: string }> {
  const agent = await activateClient(hub, join(tmp, name), "Acme");
  closers.push(agent.close);
  return agent;
}

const failure = async (p: Promise<unknown>): Promise<ConnectError> => {
  try {
    await p;
  } catch (e) {
    return ConnectError.from(e);
  }
  throw new Error("expected a refusal");
};

const reading = (id: string, init: Record<string, unknown> = {}) =>
  create(OutboxReadingSchema, { id, seq: 1n, reading: { address: "127.0.0.9", serialNumber: `SN-${id}`, ...init } });

let a: AgentClient;
let b: AgentClient;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "dca-hostile-"));
  hub = await startHubProcess(join(tmp, "hub"), 0, ["--no-mqtt", "--quota-readings", String(QUOTA)]);
  await hub.must("site", "create", "Acme");
  await hub.must("site", "set-targets", "Acme", "127.0.0.0/28");
  a = (await newAgent("a")).client;
  b = (await newAgent("b")).client;
  clients.push(a, b);
}, 60_000);

afterAll(async () => {
  for (const c of closers) c();
  await hub?.kill9();
  rmSync(tmp, { recursive: true, force: true });
});

describe("a stolen agent credential", () => {
  test("a 4 MiB model is stored cut with a ReadProblem, device list stays small; 5,000 counters are refused", async () => {
    const r = await b.uploadReadings({ readings: [reading("long-1", { model: "M".repeat(4 * 1024 * 1024) })] });
    expect(r.acknowledgedIds).toEqual(["long-1"]);
    const list = await hub.must("device", "list", "--json");
    expect(list.length).toBeLessThan(8 * 1024);
    const dev = (JSON.parse(list) as { id: string; model: string }[])[0]!;
    expect(dev.model.length).toBe(1024);
    const shown = await hub.must("device", "readings", dev.id, "--json");
    expect(shown).toContain("cut to the reading's bounds");
    const many = Array.from({ length: 5000 }, () => ({ name: "c" }));
    const err = await failure(b.uploadReadings({ readings: [reading("many-1", { counters: many })] }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toBe("readings[0]: counters has 5000 entries, at most 256");
  }, 30_000);

  test("beyond the quota an upload is refused with a retry delay; what was taken is stored once, nothing more", async () => {
    const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => reading(`q-${from + i}`));
    expect((await a.uploadReadings({ readings: batch(0, 25) })).acknowledgedIds).toHaveLength(25);
    // A retry of the same readings is acknowledged again and costs nothing.
    expect((await a.uploadReadings({ readings: batch(0, 25) })).acknowledgedIds).toHaveLength(25);
    const part = await a.uploadReadings({ readings: batch(25, 10) });
    expect(part.acknowledgedIds).toEqual(batch(25, 5).map((r) => r.id));
    for (let i = 0; i < 3; i++) {
      const err = await failure(a.uploadReadings({ readings: batch(30, 5) }));
      expect(err.code).toBe(Code.ResourceExhausted);
      expect(err.rawMessage).toContain(`upload quota is used up (${QUOTA} readings per hour)`);
      const wait = Number(err.metadata.get(RETRY_AFTER_HEADER));
      expect(wait).toBeGreaterThan(3_500_000);
      expect(wait).toBeLessThanOrEqual(3_600_000);
    }
    // Refused before its body is read: a body that would not pass the checks gets the quota's answer.
    const unread = await failure(a.uploadReadings({ readings: [reading("q-bad", { counters: Array.from({ length: 5000 }, () => ({ name: "c" })) })] }));
    expect(unread.code).toBe(Code.ResourceExhausted);
    expect(Number(unread.metadata.get(RETRY_AFTER_HEADER))).toBeGreaterThan(3_500_000);
    // The other agent has its own quota.
    expect((await b.uploadReadings({ readings: [reading("b-1")] })).acknowledgedIds).toEqual(["b-1"]);
    const stored = JSON.parse(await hub.must("agent", "list", "--json")) as { readingsReceived: number }[];
    expect(stored.map((s) => s.readingsReceived).sort((x, y) => x - y)).toEqual([2, QUOTA]);
    expect(hub.log().match(/upload quota used up/g)).toHaveLength(1);
  }, 30_000);

  test("a task result from another agent of the site is refused; the result of the agent it was given to is kept", async () => {
    const created = JSON.parse(await hub.must("task", "create", "Acme", "ping", "127.0.0.1", "--json")) as { id: string };
    const taken = await a.poll({});
    expect(taken.tasks.map((t) => t.id)).toContain(created.id);
    const forged = await failure(b.reportTaskResult({ taskId: created.id, status: TaskStatus.FAILED, message: "forged" }));
    expect(forged.code).toBe(Code.PermissionDenied);
    await a.reportTaskResult({ taskId: created.id, status: TaskStatus.DONE, message: "4/4 answered" });
    const shown = JSON.parse(await hub.must("task", "show", created.id, "--json")) as { state: string; message: string };
    expect(shown).toMatchObject({ state: "done", message: "4/4 answered" });
  }, 30_000);
});
