/**
 * MQTT wake-ups for an agent whose site lets traffic out only through an
 * HTTP CONNECT proxy with basic auth (a real tinyproxy, or squid, on
 * loopback): the wake-up line takes the same tunnel as the gRPC line, so a
 * new task starts within seconds although the poll interval is 5 minutes,
 * and the proxy password reaches no log.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ProxyPeer, proxyPeerSkipReason, startProxyPeer } from "../support/proxy-peer.ts";
import { type AgentProcess, type HubProcess, activateAgent, freeUdpPort, startAgentProcess, startHubProcess } from "../support/service-peers.ts";

const skip = proxyPeerSkipReason();
if (skip) console.warn(`mqtt-proxy tests skipped: ${skip}`);
const PROXY_PASSWORD = "proxy-pw-Wk27";
const SITE = "Proxy Only";

/** CONNECT requests to `port` in a proxy log (tinyproxy: "Request (file descriptor N): CONNECT host:port HTTP/1.1"; squid: "CONNECT host:port"). */
const connectsTo = (log: string, port: number) => log.split("\n").filter((l) => l.includes("CONNECT") && l.includes(`:${port}`)).length;

describe.skipIf(!!skip)("MQTT wake-ups through an HTTP CONNECT proxy", () => {
  let tmp: string;
  let hub: HubProcess;
  let proxy: ProxyPeer;
  let agent: AgentProcess | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "dca-mqtt-proxy-"));
    hub = await startHubProcess(join(tmp, "hub"));
    // Only the hub's own port may be reached: the wake-up line must use MQTT over WebSocket there.
    proxy = await startProxyPeer({ connectPorts: [hub.port], basicAuth: { user: "dealer", password: PROXY_PASSWORD } });
    await hub.must("site", "create", SITE);
    await hub.must("site", "set-targets", SITE, "127.32.0.1");
    await hub.must("site", "set-snmp", SITE, "--port", String(await freeUdpPort()), "--timeout", "300ms", "--retries", "0");
    await hub.must("site", "set-schedule", SITE, "--poll", "5m");
  }, 60_000);

  afterAll(async () => {
    await agent?.kill9();
    await hub?.kill9();
    await proxy?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  test("a task created at the hub starts within 5 s, woken through the proxy", async () => {
    const code = JSON.parse(await hub.must("code", "create", SITE, "--json")).code as string;
    const state = join(tmp, "agent");
    const act = await activateAgent(hub, state, code, ["--proxy", proxy.urlWith("dealer", PROXY_PASSWORD)]);
    expect(act.stderr).toBe("");
    expect(act.exitCode).toBe(0);
    const connectsBefore = connectsTo(proxy.log(), hub.port);

    agent = startAgentProcess(state);
    await agent.waitForLog(/discovery done/, 20_000);
    await agent.waitForLog(new RegExp(`wake-ups: connected to wss://127\\.0\\.0\\.1:${hub.port}/mqtt through the proxy http://127\\.0\\.0\\.1:${proxy.port}\\b`), 10_000);
    // squid logs a tunnel only when it closes, tinyproxy when it opens: on squid, count the gRPC line only.
    const wanted = proxy.kind === "tinyproxy" ? 2 : 0;
    const end = Date.now() + 5_000;
    while (connectsTo(proxy.log(), hub.port) - connectsBefore < wanted && Date.now() < end) await Bun.sleep(50);
    // One tunnel for the gRPC line and one for the wake-up line (more if the gRPC line reconnected).
    expect(connectsTo(proxy.log(), hub.port) - connectsBefore).toBeGreaterThanOrEqual(wanted);

    for (let i = 0; i < 2; i++) {
      const t0 = Date.now();
      const out = await hub.must("task", "create", SITE, "scan");
      const id = /tsk_[0-9a-z]+/.exec(out)?.[0];
      if (!id) throw new Error(`task create printed no task id: ${out}`);
      const line = await agent.waitForLog(new RegExp(`.*task ${id} \\(.*started`), 5_000);
      const ms = Date.parse(line.split(" ")[0]!) - t0;
      console.log(`task ${id} started ${ms} ms after "dca-hub task create" was launched, with polls every 300 s`);
      expect(ms).toBeLessThan(5_000);
      await agent.waitForLog(new RegExp(`task ${id}: done`), 15_000);
    }

    expect(agent.log()).not.toContain("wake-ups: cannot connect");
    expect(agent.log()).not.toContain(PROXY_PASSWORD);
    expect(hub.log()).not.toContain(PROXY_PASSWORD);
    expect(proxy.log()).not.toContain(PROXY_PASSWORD);
  }, 90_000);

  test("the wake-up line depends on the proxy: stopping the proxy loses it, and polling is said to go on", async () => {
    if (!agent) throw new Error("needs the agent of the previous test");
    const before = agent.log().length;
    await proxy.close();
    const lost = /wake-ups: lost \([^\n]*\); polling every 300 s still works, retrying in \d+ s/;
    const end = Date.now() + 10_000;
    while (!lost.test(agent.log().slice(before)) && Date.now() < end) await Bun.sleep(50);
    expect(agent.log().slice(before)).toMatch(lost);
    expect(agent.log()).not.toContain(PROXY_PASSWORD);
  }, 30_000);
});
