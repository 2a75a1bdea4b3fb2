/**
 * The agent behind an HTTP CONNECT proxy with basic auth (a real tinyproxy,
 * or squid, on loopback): activation and the service's polls and uploads
 * all go through it, and the proxy password never reaches a log.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Fleet, startFleet } from "../sim/fleet.ts";
import { type ProxyPeer, proxyPeerSkipReason, startProxyPeer } from "../support/proxy-peer.ts";
import {
  type AgentProcess,
  type HubProcess,
  activateAgent,
  eventually,
  freeUdpPort,
  startAgentProcess,
  startHubProcess,
} from "../support/service-peers.ts";
import { repoRoot } from "../support/shared-dir.ts";

const skip = proxyPeerSkipReason();
if (skip) console.warn(`service-proxy tests skipped: ${skip}`);
const PROXY_PASSWORD = "proxy-pw-Zq81";

describe.skipIf(!!skip)("agent service through an HTTP CONNECT proxy", () => {
  let tmp: string;
  let hub: HubProcess;
  let proxy: ProxyPeer;
  let fleet: Fleet;
  let agent: AgentProcess | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "dca-svc-proxy-"));
    const simPort = await freeUdpPort();
    fleet = await startFleet({ devices: [{ address: "127.25.0.1", port: simPort, recording: join(repoRoot, "test/fixtures/snmprec/mono-laser.snmprec") }] });
    hub = await startHubProcess(join(tmp, "hub"));
    proxy = await startProxyPeer({ connectPorts: [hub.port], basicAuth: { user: "dealer", password: PROXY_PASSWORD } });
    await hub.must("site", "create", "Behind Proxy");
    await hub.must("site", "set-targets", "Behind Proxy", "127.25.0.1");
    await hub.must("site", "set-snmp", "Behind Proxy", "--port", String(simPort), "--timeout", "500ms");
    await hub.must("site", "set-schedule", "Behind Proxy", "--poll", "1s");
  }, 60_000);

  afterAll(async () => {
    await agent?.kill9();
    await hub?.kill9();
    await proxy?.close();
    await fleet?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test("a wrong proxy password fails clearly and does not count as a failed activation", async () => {
    const code = JSON.parse(await hub.must("code", "create", "Behind Proxy", "--json")).code as string;
    const r = await activateAgent(hub, join(tmp, "wrong"), code, ["--proxy", proxy.urlWith("dealer", "not-the-password")]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("proxy");
    expect(r.stderr).toContain("nothing counted against this install");
    expect(r.stderr).not.toContain("not-the-password");
  }, 30_000);

  test("activate and run through the proxy: polls and uploads reach the hub", async () => {
    const code = JSON.parse(await hub.must("code", "create", "Behind Proxy", "--json")).code as string;
    const state = join(tmp, "agent");
    const act = await activateAgent(hub, state, code, ["--proxy", proxy.urlWith("dealer", PROXY_PASSWORD)]);
    expect(act.stderr).toBe("");
    expect(act.exitCode).toBe(0);
    agent = startAgentProcess(state);
    await eventually(async () => {
      const d = JSON.parse(await hub.must("device", "list", "--json")) as { serialNumber: string }[];
      return d.some((x) => x.serialNumber === "EXM100-000123") || undefined;
    }, 20_000, "the printer's reading at the hub");
    const log = await proxy.waitForLog(`:${hub.port}`, 5_000);
    expect(log).toContain("CONNECT");
    expect(agent.log()).not.toContain(PROXY_PASSWORD);
    expect(hub.log()).not.toContain(PROXY_PASSWORD);
  }, 60_000);

  test("an agent activated directly can run through a proxy given to dca run", async () => {
    const code = JSON.parse(await hub.must("code", "create", "Behind Proxy", "--json")).code as string;
    const state = join(tmp, "agent-run-proxy");
    const act = await activateAgent(hub, state, code);
    expect(act.exitCode).toBe(0);
    const before = proxy.log().length;
    const bad = startAgentProcess(state, ["--proxy", "http://[not a proxy"]);
    expect(await bad.proc.exited).toBe(2);
    expect(bad.log()).toContain("--proxy: the proxy URL is not valid");
    const running = startAgentProcess(state, ["--proxy", proxy.urlWith("dealer", PROXY_PASSWORD)]);
    try {
      await running.waitForLog(/wake-ups: connected to wss:\S+ through the proxy/, 20_000);
      await eventually(() => (proxy.log().slice(before).includes(`:${hub.port}`) ? true : undefined), 5_000, "a CONNECT to the hub in the proxy's log");
      expect(running.log()).not.toContain(PROXY_PASSWORD);
    } finally {
      await running.kill9();
    }
  }, 60_000);
});
