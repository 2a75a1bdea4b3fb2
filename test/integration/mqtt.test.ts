/**
 * MQTT wake-ups with real processes on loopback: `dca-hub serve` with its
 * embedded broker, `dca run` agents, the admin command creating tasks, and
 * mqtt.js playing an agent that misbehaves. A nudge only makes an agent
 * poll; these tests show it is fast, that agents cannot listen to or talk
 * to each other, that forged nudges are throttled, and that polling goes
 * on without a broker.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createTlsServer } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aedes } from "aedes";
import type { MqttClient } from "mqtt";
import { parseBrokerUrl } from "../../src/common/broker-url.ts";
import { mqttOutcome as outcome, rawMqttClient } from "../support/mqtt-test-client.ts";
import {
  type AgentProcess,
  type HubProcess,
  activateAgent,
  freePort,
  freeUdpPort,
  startAgentProcess,
  startHubProcess,
} from "../support/service-peers.ts";

let tmp: string;
const agents: AgentProcess[] = [];
const hubs: HubProcess[] = [];
const clients: MqttClient[] = [];

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "dca-mqtt-"));
});

afterAll(async () => {
  for (const c of clients) c.end(true);
  for (const a of agents) await a.kill9();
  for (const h of hubs) await h.kill9();
  rmSync(tmp, { recursive: true, force: true });
});

type Credential = { agentId: string; secret: string };
const credentialOf = (stateDir: string): Credential => JSON.parse(readFileSync(join(stateDir, "identity.json"), "utf8"));
const wakeTopic = (id: string) => `dca/agents/${id}/wake`;

/** A hub with site Acme (one silent target on loopback, poll interval `poll`) and `n` activated agents. */
async function hubWithAgents(name: string, poll: string, n: number, extra: string[] = []) {
  const hub = await startHubProcess(join(tmp, name), 0, extra);
  hubs.push(hub);
  await hub.must("site", "create", "Acme");
  await hub.must("site", "set-schedule", "Acme", "--poll", poll);
  await hub.must("site", "set-targets", "Acme", "127.31.0.1");
  await hub.must("site", "set-snmp", "Acme", "--port", String(await freeUdpPort()), "--timeout", "300ms", "--retries", "0");
  const states: string[] = [];
  for (let i = 0; i < n; i++) {
    const dir = join(tmp, `${name}-agent-${i}`);
    const code = JSON.parse(await hub.must("code", "create", "Acme", "--json")).code as string;
    const act = await activateAgent(hub, dir, code);
    if (act.exitCode !== 0) throw new Error(`activation failed: ${act.stderr}`);
    states.push(dir);
  }
  return { hub, states };
}

function startAgent(stateDir: string): AgentProcess {
  const a = startAgentProcess(stateDir);
  agents.push(a);
  return a;
}

/**
 * Creates a task with the admin command and waits for the agent's "task ... started" line;
 * returns ms from launching the command to that line (the command's own start-up included).
 */
async function timeTask(hub: HubProcess, agent: AgentProcess, args: string[], withinMs: number): Promise<{ ms: number; commandMs: number; id: string }> {
  const before = agent.log().length;
  const t0 = Date.now();
  const out = await hub.must("task", "create", "Acme", ...args);
  const commandMs = Date.now() - t0;
  const id = /tsk_[0-9a-z]+/.exec(out)?.[0];
  if (!id) throw new Error(`task create printed no task id: ${out}`);
  const line = await agent.waitForLog(new RegExp(`.*task ${id} .*started`), withinMs);
  expect(agent.log().length).toBeGreaterThan(before);
  const at = Date.parse(line.split(" ")[0]!);
  return { ms: at - t0, commandMs, id };
}

function raw(opts: { protocol: "wss" | "mqtts"; port: number; ca: string; username: string; password: string; clientId: string }): MqttClient {
  const address = parseBrokerUrl(`${opts.protocol}://127.0.0.1:${opts.port}${opts.protocol === "wss" ? "/mqtt" : ""}`);
  return rawMqttClient(address, opts.ca, { username: opts.username, password: opts.password, clientId: opts.clientId }, clients);
}

/** SUBACK return codes as they came off the wire. */
const subscribeRaw = (c: MqttClient, topics: string[]) =>
  new Promise<number[]>((resolve) => {
    const onPacket = (p: { cmd: string }) => {
      if (p.cmd !== "suback") return;
      c.off("packetreceive", onPacket);
      resolve((p as unknown as { granted: number[] }).granted);
    };
    c.on("packetreceive", onPacket);
    c.subscribe(topics, { qos: 0 }, () => {});
  });

describe("MQTT wake-ups through the hub's own broker", () => {
  let hub: HubProcess;
  let agentA: AgentProcess;
  let A: Credential;
  let B: Credential;
  let ca: string;
  let tlsPort: number;

  beforeAll(async () => {
    const made = await hubWithAgents("hub", "300s", 2);
    hub = made.hub;
    A = credentialOf(made.states[0]!);
    B = credentialOf(made.states[1]!);
    ca = readFileSync(hub.caPath, "utf8");
    tlsPort = (hub as unknown as { mqtt: { tlsPort: number } }).mqtt.tlsPort;
    agentA = startAgent(made.states[0]!);
    await agentA.waitForLog(/discovery done/, 20_000);
  }, 60_000);

  test("the agent listens over secure WebSocket on the hub's own port", async () => {
    await agentA.waitForLog(new RegExp(`wake-ups: connected to wss://127\\.0\\.0\\.1:${hub.port}/mqtt`), 10_000);
    expect(tlsPort).toBeGreaterThan(0);
    expect(tlsPort).not.toBe(hub.port);
  });

  test("with a 300 s poll interval, a new task starts within about a second", async () => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await timeTask(hub, agentA, ["scan", "--agent", A.agentId], 5_000);
      console.log(`task ${r.id}: started by the agent ${r.ms} ms after "dca-hub task create" was launched (the command itself took ${r.commandMs} ms)`);
      times.push(r.ms);
      // One job at a time: let this one finish so the next measures the wake-up, not the queue.
      await agentA.waitForLog(new RegExp(`task ${r.id}: done`), 10_000);
      await Bun.sleep(500);
    }
    for (const ms of times) expect(ms).toBeLessThan(5_000);
  }, 60_000);

  test("an agent cannot subscribe to another agent's topic, and hears nothing from it", async () => {
    const b = raw({ protocol: "wss", port: hub.port, ca, username: B.agentId, password: B.secret, clientId: B.agentId });
    expect(await outcome(b)).toBe("connected");
    expect(await subscribeRaw(b, [wakeTopic(A.agentId), "dca/agents/#", wakeTopic(B.agentId)])).toEqual([128, 128, 0]);
    const heard: string[] = [];
    b.on("message", (t, p) => heard.push(`${t} ${p}`));
    // A task for A: A runs it, B hears nothing.
    await timeTask(hub, agentA, ["scan", "--agent", A.agentId], 5_000);
    await Bun.sleep(500);
    expect(heard).toEqual([]);
    // A task for B reaches B on its own topic: the listening above was real.
    const out = await hub.must("task", "create", "Acme", "scan", "--agent", B.agentId);
    const id = /tsk_[0-9a-z]+/.exec(out)![0];
    const end = Date.now() + 3_000;
    while (heard.length === 0 && Date.now() < end) await Bun.sleep(20);
    expect(heard).toEqual([`${wakeTopic(B.agentId)} {"task":"${id}"}`]);
    b.end(true);
  }, 30_000);

  test("a wrong secret or a borrowed client id is refused, over WebSocket and TLS", async () => {
    for (const [protocol, port] of [["wss", hub.port], ["mqtts", tlsPort]] as const) {
      expect(await outcome(raw({ protocol, port, ca, username: B.agentId, password: `${B.secret.slice(0, -2)}xx`, clientId: B.agentId }))).toMatch(/^error 4:/);
      expect(await outcome(raw({ protocol, port, ca, username: B.agentId, password: A.secret, clientId: B.agentId }))).toMatch(/^error 4:/);
      expect(await outcome(raw({ protocol, port, ca, username: B.agentId, password: B.secret, clientId: A.agentId }))).toMatch(/^error 2:/);
    }
  });

  test("an agent cannot publish: its connection is closed and the target does not poll", async () => {
    const lastPoll = async () =>
      (JSON.parse(await hub.must("agent", "list", "--json")) as { id: string; lastPollAt?: string }[]).find((a) => a.id === A.agentId)?.lastPollAt;
    await Bun.sleep(1_200);
    const before = await lastPoll();
    const b = raw({ protocol: "mqtts", port: tlsPort, ca, username: B.agentId, password: B.secret, clientId: B.agentId });
    expect(await outcome(b)).toBe("connected");
    const closed = new Promise<void>((r) => b.once("close", () => r()));
    b.publish(wakeTopic(A.agentId), '{"task":"tsk_forged"}', { qos: 0 });
    await closed;
    await Bun.sleep(1_500);
    expect(await lastPoll()).toBe(before);
  }, 20_000);
});

describe("forged nudges and a lost broker", () => {
  test("a flood of nudges makes at most about one poll a second; losing the broker is said and polling goes on", async () => {
    // A broker of the test's own that lets anyone publish: what a forger with broker access could do.
    const brokerPort = await freePort();
    const { hub, states } = await hubWithAgents("hub-forged", "300s", 1, ["--mqtt-public-url", `mqtts://127.0.0.1:${brokerPort}`]);
    const tlsDir = join(hub.dataDir, "tls");
    const broker = await Aedes.createBroker({});
    const server = createTlsServer({ key: readFileSync(join(tlsDir, "server.key")), cert: readFileSync(join(tlsDir, "server.crt")) }, (s) => broker.handle(s));
    await new Promise<void>((r) => server.listen(brokerPort, "127.0.0.1", r));
    const id = credentialOf(states[0]!).agentId;
    const agent = startAgent(states[0]!);
    await agent.waitForLog(new RegExp(`wake-ups: connected to mqtts://127\\.0\\.0\\.1:${brokerPort}`), 15_000);
    await agent.waitForLog(/discovery done/, 15_000);
    await Bun.sleep(1_500);

    // Every poll sets the agent's last_poll_at in the hub's store; sample it much faster than polls could come.
    const db = new Database(join(hub.dataDir, "hub.db"), { readonly: true });
    const polls = new Set<number>();
    const read = () => db.query<{ t: number | null }, [string]>("SELECT last_poll_at AS t FROM agents WHERE id = ?").get(id)?.t;
    const first = read();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const t = read();
        if (t && t !== first) polls.add(t);
        await Bun.sleep(5);
      }
    })();
    const started = Date.now();
    for (let i = 0; i < 400; i++) {
      broker.publish({ cmd: "publish", topic: wakeTopic(id), payload: Buffer.from('{"task":"tsk_forged"}'), qos: 0, retain: false, dup: false }, () => {});
      await Bun.sleep(10);
    }
    const seconds = (Date.now() - started) / 1000;
    await Bun.sleep(1_500);
    sampling = false;
    await sampler;
    db.close();
    const times = [...polls].sort((a, b) => a - b);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    console.log(`400 forged nudges over ${seconds.toFixed(1)} s (+1.5 s after) caused ${polls.size} polls, gaps ${gaps.join(", ")} ms`);
    expect(polls.size).toBeGreaterThanOrEqual(2);
    // About one a second: never two polls within much less than a second of each other.
    expect(polls.size).toBeLessThanOrEqual(Math.ceil(seconds + 1.5) + 1);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(900);

    await new Promise<void>((r) => broker.close(() => r()));
    server.close();
    await agent.waitForLog(/wake-ups: lost \([^)]*\); polling every 300 s still works, retrying in \d+ s/, 10_000);
    expect(agent.log()).not.toContain(credentialOf(states[0]!).secret);
  }, 90_000);

  test("without a broker (--no-mqtt) the agent polls and runs the task at the next poll", async () => {
    const { hub, states } = await hubWithAgents("hub-nomqtt", "2s", 1, ["--no-mqtt"]);
    expect((hub as unknown as { mqtt: { mode: string } }).mqtt.mode).toBe("off");
    const agent = startAgent(states[0]!);
    await agent.waitForLog(/discovery done/, 20_000);
    const r = await timeTask(hub, agent, ["scan"], 10_000);
    console.log(`without MQTT: task started ${r.ms} ms after the command (poll interval 2 s)`);
    expect(agent.log()).not.toContain("wake-ups:");
  }, 60_000);
});
