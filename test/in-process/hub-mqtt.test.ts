/**
 * The hub's MQTT side against real clients on loopback: the hub started
 * in-process with its embedded broker, gRPC and MQTT over WebSocket on one
 * port, MQTT over TLS on another, and mqtt.js (through the agent's own
 * connectBroker where it fits) as the agents.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { dirname } from "node:path";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import mqtt, { type MqttClient } from "mqtt";
import { AgentService, PollRequestSchema, TaskSchema } from "../../src/gen/dca/v1/agent_service_pb.ts";
import { connectBroker } from "../../src/agent/wake/connect-broker.ts";
import { type BrokerAddress, parseBrokerUrl } from "../../src/common/broker-url.ts";
import { mqttOutcome as outcome, rawMqttClient } from "../support/mqtt-test-client.ts";
import { createHubTransport } from "../../src/agent/transport/index.ts";
import { type RunningHub, startHub } from "../../src/hub/server/start-hub.ts";
import { tempDataDir } from "../support/hub-store-fixtures.ts";
import { wakeTopic } from "../../src/common/wake-topic.ts";
import { EVICT_INTERVAL_MS } from "../../src/hub/mqtt/start-hub-mqtt.ts";

let hub: RunningHub;
let dataDir: string;
let wss: BrokerAddress;
let mqtts: BrokerAddress;
const agents: { id: string; secret: string }[] = [];
let siteId: string;
const clients: MqttClient[] = [];

beforeAll(async () => {
  dataDir = tempDataDir();
  hub = await startHub({ dataDir, host: "127.0.0.1", port: 0, mqtt: { mode: "embedded", listen: { host: "127.0.0.1", port: 0 }, publicUrls: [] }, log: () => {} });
  const site = hub.store.createSite("Acme");
  siteId = site.id;
  for (const install of ["a", "b", "c"]) {
    const r = hub.store.activate({ code: hub.store.createActivationCode(site.id).code, installId: install, hostname: install, agentVersion: "t", platform: "linux-x64" });
    if (!r.ok) throw new Error(r.reason);
    agents.push({ id: r.agent.id, secret: r.secret });
  }
  wss = parseBrokerUrl(`wss://127.0.0.1:${hub.port}/mqtt`);
  mqtts = parseBrokerUrl(`mqtts://127.0.0.1:${hub.mqtt.tlsPort}`);
});

afterAll(async () => {
  for (const c of clients) c.end(true);
  await hub?.close();
  rmSync(dirname(dataDir), { recursive: true, force: true });
});

const [A, B, C] = [0, 1, 2].map((i) => () => agents[i]!);
const login = (a: { id: string; secret: string }) => ({ username: a.id, clientId: a.id, password: a.secret, topic: wakeTopic(a.id) });

async function connectAs(address: BrokerAddress, a: { id: string; secret: string }): Promise<MqttClient> {
  const c = await connectBroker({ address, login: login(a), caPem: hub.tls.caPem, timeoutMs: 5_000 });
  clients.push(c);
  return c;
}

/** A raw mqtt.js client, for what the agent's own code would never send. */
const raw = (address: BrokerAddress, login: { username: string; password: string; clientId: string }) => rawMqttClient(address, hub.tls.caPem, login, clients);

/** Messages a client receives, as "topic payload". */
function inbox(c: MqttClient): string[] {
  const got: string[] = [];
  c.on("message", (t, p) => got.push(`${t} ${p.toString()}`));
  return got;
}

async function until(check: () => boolean, ms: number): Promise<number> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await Bun.sleep(5);
  }
  return performance.now() - start;
}

describe("hub MQTT", () => {
  test("gRPC still works on the shared port, and Poll tells the agent where and what to subscribe", async () => {
    const { transport, close } = createHubTransport({ hubUrl: `https://127.0.0.1:${hub.port}`, caPem: hub.tls.caPem, bearer: () => `Bearer ${A().id}.${A().secret}` });
    try {
      const r = await createClient(AgentService, transport).poll(create(PollRequestSchema, { agentVersion: "t", hostname: "a" }));
      expect(r.mqtt?.urls).toEqual([`wss://127.0.0.1:${hub.port}/mqtt`, `mqtts://127.0.0.1:${hub.mqtt.tlsPort}`]);
      expect(r.mqtt?.topic).toBe(`dca/agents/${A().id}/wake`);
      expect(r.mqtt?.username).toBe(A().id);
      expect(r.mqtt?.clientId).toBe(A().id);
    } finally {
      close();
    }
  });

  test("plain HTTP/1.1 on the shared port gets 426, not the API", async () => {
    const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpsRequest(
        { host: "127.0.0.1", port: hub.port, method: "POST", path: "/dca.v1.AgentService/Poll", ca: hub.tls.caPem, headers: { "content-type": "application/json" } },
        (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      req.end("{}");
    });
    expect(r.status).toBe(426);
    expect(r.body).toContain("HTTP/2");
  });

  for (const via of ["wss", "mqtts"] as const) {
    test(`${via}: a new task nudges its agent within a second, and only it`, async () => {
      const address = via === "wss" ? wss : mqtts;
      const a = await connectAs(address, A());
      const b = await connectAs(address, B());
      const gotA = inbox(a);
      const gotB = inbox(b);
      const task = hub.store.createTask(siteId, create(TaskSchema, { kind: { case: "scan", value: { targets: [] } } }), { agentId: A().id });
      const ms = await until(() => gotA.length > 0, 1_000);
      console.log(`${via}: nudge ${Math.round(ms)} ms after the task was created`);
      expect(gotA).toEqual([`${wakeTopic(A().id)} {"task":"${task.id}"}`]);
      await Bun.sleep(300);
      expect(gotB).toEqual([]);
      // A task for the site nudges every enabled agent of it.
      const siteTask = hub.store.createTask(siteId, create(TaskSchema, { kind: { case: "scan", value: { targets: [] } } }));
      await until(() => gotA.length === 2 && gotB.length === 1, 1_000);
      expect(gotB).toEqual([`${wakeTopic(B().id)} {"task":"${siteTask.id}"}`]);
      a.end(true);
      b.end(true);
    });

    test(`${via}: wrong secret, unknown agent, client id not the agent id: refused`, async () => {
      const address = via === "wss" ? wss : mqtts;
      expect(await outcome(raw(address, { username: A().id, password: "x".repeat(43), clientId: A().id }))).toMatch(/^error 4/);
      expect(await outcome(raw(address, { username: "agt_0000000000000000", password: A().secret, clientId: "agt_0000000000000000" }))).toMatch(/^error 4/);
      expect(await outcome(raw(address, { username: A().id, password: A().secret, clientId: "someone-else" }))).toMatch(/^error 2/);
      await expect(connectBroker({ address, login: { ...login(A()), password: "wrong-secret-wrong-secret" }, caPem: hub.tls.caPem, timeoutMs: 5_000 })).rejects.toThrow(
        "refused the user name or password",
      );
    });

    test(`${via}: an agent may subscribe to its own topic only, and publishes nothing`, async () => {
      const address = via === "wss" ? wss : mqtts;
      const b = raw(address, { username: B().id, password: B().secret, clientId: B().id });
      expect(await outcome(b)).toBe("connected");
      // The SUBACK as it came off the wire (mqtt.js turns any 0x80 into an error).
      const granted = await new Promise<number[]>((resolve) => {
        b.on("packetreceive", (p) => {
          if (p.cmd === "suback") resolve(p.granted as number[]);
        });
        b.subscribe([wakeTopic(A().id), "dca/agents/+/wake", "#", wakeTopic(B().id)], { qos: 0 }, () => {});
      });
      expect(granted).toEqual([128, 128, 128, 0]);
      const got = inbox(b);
      // Listening as A meanwhile, to see that nothing B sends reaches A.
      const a = await connectAs(address, A());
      const gotA = inbox(a);
      const closed = new Promise<void>((r) => b.once("close", () => r()));
      b.publish(wakeTopic(A().id), "{}", { qos: 0 });
      await closed;
      // A task for A: A hears of it, B (listening on A's topic, refused) does not.
      hub.store.createTask(siteId, create(TaskSchema, { kind: { case: "scan", value: { targets: [] } } }), { agentId: A().id });
      await until(() => gotA.length === 1, 1_000);
      expect(gotA[0]).toStartWith(`${wakeTopic(A().id)} {"task":"tsk_`);
      expect(got).toEqual([]);
      a.end(true);
    });
  }

  test("a reconnecting agent replaces its old session", async () => {
    const first = await connectAs(mqtts, C());
    const firstClosed = new Promise<void>((r) => first.once("close", () => r()));
    const second = await connectAs(wss, C());
    await firstClosed;
    expect(second.connected).toBe(true);
    second.end(true);
  });

  test("a disabled agent is refused, and cut off if it is connected", async () => {
    const connected = await connectAs(wss, C());
    const closed = new Promise<number>((r) => connected.once("close", () => r(Date.now())));
    const disabledAt = Date.now();
    hub.store.setAgentDisabled(C().id, true);
    try {
      expect(await closed).toBeLessThan(disabledAt + EVICT_INTERVAL_MS + 1_000);
      expect(await outcome(raw(mqtts, { username: C().id, password: C().secret, clientId: C().id }))).toMatch(/^error 4/);
    } finally {
      connected.end(true);
      hub.store.setAgentDisabled(C().id, false);
    }
  });

  test("an oversized packet closes the connection; a will is refused", async () => {
    const b = raw(mqtts, { username: B().id, password: B().secret, clientId: B().id });
    expect(await outcome(b)).toBe("connected");
    const closed = new Promise<void>((r) => b.once("close", () => r()));
    b.subscribe(`${"x".repeat(5_000)}`);
    await closed;
    const w = mqtt.connect({
      protocol: "mqtts", host: "127.0.0.1", port: mqtts.port, ca: hub.tls.caPem, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 3_000,
      username: B().id, password: B().secret, clientId: B().id, will: { topic: wakeTopic(A().id), payload: Buffer.from("{}"), qos: 0, retain: false },
    });
    w.on("error", () => {});
    clients.push(w);
    expect(await outcome(w)).not.toBe("connected");
  });

  test("an untrusted CA is refused by the agent's client", async () => {
    const otherCa = (await import("../../src/hub/tls/index.ts")).ensureHubTls(tempDataDir(), { hostnames: ["localhost"] }).caPem;
    await expect(connectBroker({ address: wss, login: login(A()), caPem: otherCa, timeoutMs: 5_000 })).rejects.toThrow();
    await expect(connectBroker({ address: mqtts, login: login(A()), caPem: otherCa, timeoutMs: 5_000 })).rejects.toThrow();
  });
});
