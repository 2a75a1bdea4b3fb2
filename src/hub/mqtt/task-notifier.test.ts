import { afterEach, describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { TaskSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { type HubStore, openHubStore } from "../store/index.ts";
import { tempDataDir } from "../../../test/support/hub-store-fixtures.ts";
import { startTaskNotifier } from "./task-notifier.ts";

const open: { store: HubStore; stop(): void }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) {
    o.stop();
    o.store.close();
  }
});

const scan = () => create(TaskSchema, { kind: { case: "scan", value: { targets: [] } } });

function setup(publish: (topic: string, payload: Buffer) => Promise<void>) {
  const store = openHubStore(tempDataDir());
  const site = store.createSite("Acme");
  const other = store.createSite("Other");
  const activate = (siteId: string, installId: string) => {
    const r = store.activate({ code: store.createActivationCode(siteId).code, installId, hostname: installId, agentVersion: "t", platform: "linux-x64" });
    if (!r.ok) throw new Error(r.reason);
    return r.agent.id;
  };
  const [a1, a2, a3, b1] = [activate(site.id, "a1"), activate(site.id, "a2"), activate(site.id, "a3"), activate(other.id, "b1")];
  store.setAgentDisabled(a3, true);
  // A task from before the notifier started is not nudged again.
  store.createTask(site.id, scan());
  const notifier = startTaskNotifier({ store, publish, intervalMs: 60_000, configIntervalMs: 1, log: () => {} });
  open.push({ store, stop: notifier.stop });
  return { store, notifier, site, other, a1, a2, a3, b1 };
}

describe("task notifier", () => {
  test("a task for an agent nudges it; a task for a site nudges its enabled agents; with the task id", async () => {
    const sent: string[] = [];
    const { store, notifier, site, other, a1, a2, b1 } = setup(async (topic, payload) => void sent.push(`${topic} ${payload}`));
    await notifier.check();
    expect(sent).toEqual([]);
    const t1 = store.createTask(site.id, scan(), { agentId: a2 });
    const t2 = store.createTask(site.id, scan());
    const t3 = store.createTask(other.id, scan());
    await notifier.check();
    expect(sent).toEqual([
      `dca/agents/${a2}/wake {"task":"${t1.id}"}`,
      `dca/agents/${a1}/wake {"task":"${t2.id}"}`,
      `dca/agents/${a2}/wake {"task":"${t2.id}"}`,
      `dca/agents/${b1}/wake {"task":"${t3.id}"}`,
    ]);
    await notifier.check();
    expect(sent.length).toBe(4);
  });

  test("a changed site config nudges that site's agents", async () => {
    const sent: string[] = [];
    const { store, notifier, other, b1 } = setup(async (topic, payload) => void sent.push(`${topic} ${payload}`));
    await notifier.check();
    await Bun.sleep(2);
    store.updateSiteConfig(other.id, (c) => void (c.targets = ["10.0.0.1"]));
    await notifier.check();
    expect(sent).toEqual([`dca/agents/${b1}/wake {}`]);
  });

  test("a failing broker does not stop the watching", async () => {
    let fail = true;
    const sent: string[] = [];
    const { store, notifier, site, a1 } = setup(async (topic) => {
      if (fail) throw new Error("not connected");
      sent.push(topic);
    });
    store.createTask(site.id, scan(), { agentId: a1 });
    await notifier.check();
    fail = false;
    store.createTask(site.id, scan(), { agentId: a1 });
    await notifier.check();
    expect(sent).toEqual([`dca/agents/${a1}/wake`]);
  });
});
