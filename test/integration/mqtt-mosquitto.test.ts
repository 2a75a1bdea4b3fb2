/**
 * The hub's nudges through an external broker: Debian's mosquitto with the
 * password file and ACL that `dca-hub mqtt passwd-file|acl-file` write.
 * First the broker alone (who may log in, who may read and write which wake
 * topic), over MQTT/TLS and WebSockets/TLS; then real hub and agent
 * processes, where a task created with the admin command reaches an agent
 * that polls only every 300 s within seconds.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MqttClient } from "mqtt";
import { renderAclFile, renderPasswordFile } from "../../src/hub/mqtt/mosquitto-files.ts";
import { mosquittoHash } from "../../src/hub/mqtt/mosquitto-passwd.ts";
import { newId, newSecret } from "../../src/hub/store/ids.ts";
import { defaultHubHostnames, ensureHubTls } from "../../src/hub/tls/index.ts";
import { type MosquittoPeer, connectTestClient, mosquittoSkipReason, startMosquitto } from "../support/mosquitto-peer.ts";
import {
  type AgentProcess,
  type HubProcess,
  activateAgent,
  startAgentProcess,
  startHubProcess,
} from "../support/service-peers.ts";

const skip = mosquittoSkipReason();
if (skip) console.warn(`skipping mqtt-mosquitto tests: ${skip}`);

const HUB_USER = "dca-hub";
const HUB_PASSWORD = newSecret();
const agentA = { id: newId("agt"), secret: newSecret() };
const agentB = { id: newId("agt"), secret: newSecret() };
const wake = (id: string) => `dca/agents/${id}/wake`;
const REFUSED = /not authori[sz]ed|bad user ?name or password/i;

function passwordFile(agents: { id: string; secret: string }[]): string {
  return renderPasswordFile(
    agents.map((a) => ({ agentId: a.id, hash: mosquittoHash(a.secret) })),
    { hub: { user: HUB_USER, hash: mosquittoHash(HUB_PASSWORD) } },
  ).text;
}

/** Collects what a client receives, by topic. */
function inbox(client: MqttClient): { topic: string; payload: string }[] {
  const got: { topic: string; payload: string }[] = [];
  client.on("message", (topic, payload) => got.push({ topic, payload: payload.toString() }));
  return got;
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await Bun.sleep(20);
  }
}

describe.skipIf(skip !== undefined)("external mosquitto: logins and the wake-topic ACL", () => {
  let broker: MosquittoPeer;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    broker = await startMosquitto({ passwords: passwordFile([agentA, agentB]), acl: renderAclFile(HUB_USER) });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
    await broker?.stop();
  });

  const login = async (url: string, user: string, password: string) => {
    const c = await connectTestClient(url, { username: user, password, clientId: user === HUB_USER ? undefined : user, caPath: broker.caPath });
    clients.push(c);
    return c;
  };

  for (const transport of ["mqtts", "wss"] as const) {
    const url = () => (transport === "mqtts" ? broker.mqttsUrl : broker.wssUrl);

    test(`${transport}: the hub publishes; each agent gets only its own nudges`, async () => {
      const a = await login(url(), agentA.id, agentA.secret);
      const b = await login(url(), agentB.id, agentB.secret);
      const gotA = inbox(a);
      const gotB = inbox(b);
      // A tries B's topic and every wake topic; mosquitto may grant the subscription but must not deliver.
      await a.subscribeAsync([wake(agentA.id), wake(agentB.id), "dca/agents/+/wake", "#"], { qos: 1 });
      await b.subscribeAsync(wake(agentB.id), { qos: 1 });

      const hub = await login(url(), HUB_USER, HUB_PASSWORD);
      await hub.publishAsync(wake(agentB.id), "for-b", { qos: 1 });
      await hub.publishAsync(wake(agentA.id), "for-a", { qos: 1 });
      await until(() => gotB.length >= 1 && gotA.length >= 1, 5_000, "both nudges");
      // A's own message is delivered once per matching subscription; a late extra for B would show up here.
      await Bun.sleep(500);
      expect(gotB).toEqual([{ topic: wake(agentB.id), payload: "for-b" }]);
      expect(gotA.length).toBeGreaterThanOrEqual(1);
      expect(gotA.every((m) => m.topic === wake(agentA.id) && m.payload === "for-a")).toBe(true);
      await Promise.all([a.endAsync(), b.endAsync(), hub.endAsync()]);
    });

    test(`${transport}: an agent cannot nudge another agent`, async () => {
      const a = await login(url(), agentA.id, agentA.secret);
      const b = await login(url(), agentB.id, agentB.secret);
      const gotB = inbox(b);
      await b.subscribeAsync(wake(agentB.id), { qos: 1 });
      await a.publishAsync(wake(agentB.id), "forged", { qos: 1 });
      // Control: the hub's own nudge after the forged one does arrive, so silence above is the ACL.
      const hub = await login(url(), HUB_USER, HUB_PASSWORD);
      await hub.publishAsync(wake(agentB.id), "real", { qos: 1 });
      await until(() => gotB.length >= 1, 5_000, "the hub's nudge");
      await Bun.sleep(300);
      expect(gotB.map((m) => m.payload)).toEqual(["real"]);
      await Promise.all([a.endAsync(), b.endAsync(), hub.endAsync()]);
    });

    test(`${transport}: wrong password, unknown user and another agent's secret are refused`, async () => {
      await expect(login(url(), agentA.id, `${agentA.secret}x`)).rejects.toThrow(REFUSED);
      await expect(login(url(), agentA.id, agentB.secret)).rejects.toThrow(REFUSED);
      await expect(login(url(), newId("agt"), agentA.secret)).rejects.toThrow(REFUSED);
      await expect(login(url(), HUB_USER, agentA.secret)).rejects.toThrow(REFUSED);
    });
  }

  test("an agent cannot push another off by using its client id", async () => {
    const b = await login(broker.mqttsUrl, agentB.id, agentB.secret);
    const gotB = inbox(b);
    await b.subscribeAsync(wake(agentB.id), { qos: 1 });
    let closed = false;
    b.once("close", () => (closed = true));
    const a = await connectTestClient(broker.mqttsUrl, { username: agentA.id, password: agentA.secret, clientId: agentB.id, caPath: broker.caPath });
    clients.push(a);
    const hub = await login(broker.mqttsUrl, HUB_USER, HUB_PASSWORD);
    await hub.publishAsync(wake(agentB.id), "still-here", { qos: 1 });
    await until(() => gotB.length >= 1, 5_000, "the nudge to B");
    expect(closed).toBe(false);
    await Promise.all([a.endAsync(), b.endAsync(), hub.endAsync()]);
  });

  test("a rewritten password file and a reload shut a removed agent out", async () => {
    const b = await login(broker.mqttsUrl, agentB.id, agentB.secret);
    const closed = new Promise<void>((resolve) => b.once("close", () => resolve()));
    await broker.update({ passwords: passwordFile([agentA]) });
    // mosquitto re-checks connected clients against the new files on reload.
    await Promise.race([closed, Bun.sleep(5_000).then(() => Promise.reject(new Error("agent B stayed connected after the reload")))]);
    await expect(login(broker.mqttsUrl, agentB.id, agentB.secret)).rejects.toThrow(REFUSED);
    const a = await login(broker.mqttsUrl, agentA.id, agentA.secret);
    expect(a.connected).toBe(true);
    await a.endAsync();
    await broker.update({ passwords: passwordFile([agentA, agentB]) });
  });
});

/**
 * The whole path with real processes: `dca-hub serve --mqtt-broker` publishing to mosquitto as
 * its own user (started before its files exist, trusting the broker through its own CA), the
 * password file and ACL written by `dca-hub mqtt ...` through the hub's API, a `dca run` agent
 * that polls every 300 s, and `dca-hub task create` run as an admin would.
 */
for (const transport of ["mqtts", "wss"] as const) {
  describe.skipIf(skip !== undefined)(`hub and agent through mosquitto over ${transport}`, () => {
    let tmp: string;
    let broker: MosquittoPeer;
    let hub: HubProcess;
    let agent: AgentProcess | undefined;

    beforeAll(async () => {
      tmp = mkdtempSync(join(tmpdir(), `dca-mqtt-ext-${transport}-`));
      const hubDir = join(tmp, "hub");
      // The hub's CA, as its first start makes it: mosquitto's certificate comes from it, so agents that pinned the hub's CA trust the broker.
      ensureHubTls(hubDir, { hostnames: defaultHubHostnames() });
      const hubPasswordFile = join(tmp, "hub-mqtt-password");
      writeFileSync(hubPasswordFile, `${newSecret()}\n`, { mode: 0o600 });
      // The broker starts with no users: the hub's login is refused until its files are written.
      broker = await startMosquitto({ passwords: "", acl: "", hubDataDir: hubDir });
      const url = transport === "mqtts" ? broker.mqttsUrl : broker.wssUrl;
      // docs/mqtt.md's order: the hub first (it keeps retrying its login), with no --mqtt-ca (it trusts its own CA for the broker).
      hub = await startHubProcess(hubDir, 0, [
        "--mqtt-broker", url,
        "--mqtt-user", HUB_USER,
        "--mqtt-password-file", hubPasswordFile,
        "--mqtt-public-url", url,
      ]);
      // Then the files, from the running hub through its API, as a signed-in admin would write them.
      expect(await hub.must("mqtt", "acl-file", broker.aclFile, "--hub-user", HUB_USER)).toContain("wrote the ACL");
      expect(await hub.must("mqtt", "passwd-file", broker.passwordFile, "--hub-user", HUB_USER, "--hub-password-file", hubPasswordFile)).toContain(
        `wrote 0 agents, hub user "${HUB_USER}"`,
      );
      await broker.reload();
      await hub.must("site", "create", "Acme");
      // Addresses on loopback where nothing answers SNMP: tasks there finish quickly.
      await hub.must("site", "set-targets", "Acme", "127.77.0.1-4");
      await hub.must("site", "set-schedule", "Acme", "--poll", "300s");
      await hub.must("site", "set-snmp", "Acme", "--timeout", "200ms", "--retries", "0");
      const code = JSON.parse(await hub.must("code", "create", "Acme", "--json")).code as string;
      const act = await activateAgent(hub, join(tmp, "agent"), code);
      expect(act.exitCode).toBe(0);

      // After each activation: rewrite the password file (the hub line is kept) and reload.
      expect(await hub.must("mqtt", "passwd-file", broker.passwordFile)).toContain("wrote 1 agent, 1 other user kept from the file");
      expect(readFileSync(broker.passwordFile, "utf8")).not.toContain(readFileSync(hubPasswordFile, "utf8").trim());
      await broker.reload();
    }, 60_000);

    afterAll(async () => {
      await agent?.kill9();
      await hub?.kill9();
      await broker?.stop();
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    });

    test("a task created by the admin command starts on an agent that polls every 300 s within 5 s", async () => {
      agent = startAgentProcess(join(tmp, "agent"));
      const url = transport === "mqtts" ? broker.mqttsUrl : broker.wssUrl;
      await agent.waitForLog(new RegExp(`wake-ups: connected to ${url.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`), 20_000);
      // Both ends are logged in at mosquitto, as themselves.
      await broker.waitForLog(new RegExp(`u'${HUB_USER}'`), 10_000);
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        const out = await hub.must("task", "create", "Acme", "read", `127.77.0.${i + 1}`, "--json");
        const id = JSON.parse(out).id as string;
        await agent.waitForLog(new RegExp(`task ${id} \\(.*\\) started`), 5_000).catch((e) => {
          // Which hop lost the nudge: the hub's publish, the broker, or the agent.
          throw new Error(`${(e as Error).message}\n--- hub:\n${hub.log().slice(-2000)}\n--- mosquitto:\n${broker.log().slice(-2000)}`);
        });
        const ms = Date.now() - started;
        console.log(`${transport}: task create to started in ${ms} ms`);
        expect(ms).toBeLessThan(5_000);
        // The task finishes (the address does not answer SNMP) before the next one, so none waits for a slot.
        await agent.waitForLog(new RegExp(`task ${id}: `), 10_000);
      }
      expect(agent.log()).not.toContain("cannot connect");
    }, 60_000);
  });
}
