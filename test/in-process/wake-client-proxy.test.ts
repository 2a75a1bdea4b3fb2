/**
 * The wake-up client through a real HTTP CONNECT proxy (tinyproxy or squid
 * with basic auth, on loopback) to the hub's real broker over MQTT/TLS:
 * which proxy it picks (the given one, HTTPS_PROXY, NO_PROXY), the trust
 * rules over the tunnel, and what it says when the proxy refuses, never
 * with the password. Then MQTT over WebSocket through the proxy to the hub
 * itself (started in-process: gRPC and /mqtt on one port), as the agent
 * does when only the hub's port is let out. The agent process through a
 * proxy: test/integration/mqtt-proxy.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { X509Certificate, createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { create } from "@bufbuild/protobuf";
import { TaskSchema } from "../../src/gen/dca/v1/agent_service_pb.ts";
import { createBackoff } from "../../src/common/backoff.ts";
import { wakeTopic } from "../../src/common/wake-topic.ts";
import { type RunningHub, startHub } from "../../src/hub/server/start-hub.ts";
import { tempDataDir } from "../support/hub-store-fixtures.ts";
import { type ProxyPeer, proxyPeerSkipReason, startProxyPeer } from "../support/proxy-peer.ts";
import { type BrokerFixture, startBrokerFixture, waitFor } from "./broker-fixture.ts";
import { type WakeClientOptions, startWakeClient } from "../../src/agent/wake/wake-client.ts";

const skip = proxyPeerSkipReason();
if (skip) console.warn(`wake client proxy tests skipped: ${skip}`);
const PASSWORD = "wake-proxy-pw-5Rt";

let f: BrokerFixture;
let hub: RunningHub;
let hubDataDir: string;
let proxy: ProxyPeer;

describe.skipIf(!!skip)("wake client through an HTTP CONNECT proxy", () => {
  beforeAll(async () => {
    f = await startBrokerFixture();
    hubDataDir = tempDataDir();
    hub = await startHub({ dataDir: hubDataDir, host: "127.0.0.1", port: 0, mqtt: { mode: "embedded", publicUrls: [] }, log: () => {} });
    proxy = await startProxyPeer({ connectPorts: [f.port, hub.port], basicAuth: { user: "dealer", password: PASSWORD } });
  });

  afterAll(async () => {
    await proxy?.close();
    await f?.close();
    await hub?.close();
    if (hubDataDir) rmSync(dirname(hubDataDir), { recursive: true, force: true });
  });

  /** A wake client for the broker over MQTT/TLS, reading no proxy variables unless given `env`. */
  const client = (lines: string[], extra: Partial<WakeClientOptions>, onWake: () => void = () => {}) =>
    f.client([`mqtts://127.0.0.1:${f.port}`], lines, onWake, { env: {}, ...extra });

  const caFingerprint = () => `sha256:${createHash("sha256").update(new X509Certificate(f.tls.caPem!).raw).digest("hex")}`;

  test("the given proxy carries MQTT over TLS, with the pin checked, and a nudge wakes the agent", async () => {
    const lines: string[] = [];
    let wakes = 0;
    const before = proxy.log().length;
    const c = client(lines, { proxy: { url: proxy.urlWith("dealer", PASSWORD) }, caFingerprint: caFingerprint() }, () => wakes++);
    try {
      await waitFor(() => lines.length > 0, 5_000, "connected");
      expect(lines).toEqual([`wake-ups: connected to mqtts://127.0.0.1:${f.port} through the proxy ${proxy.url}`]);
      await f.broker!.publish(wakeTopic(f.agent.id), Buffer.from("{}"));
      await waitFor(() => wakes === 1, 2_000, "the wake");
      if (proxy.kind === "tinyproxy") expect(proxy.log().slice(before)).toContain(`CONNECT 127.0.0.1:${f.port}`);
    } finally {
      await c.close();
    }
    expect(lines.join("\n")).not.toContain(PASSWORD);
    expect(lines.join("\n")).not.toContain(f.agent.secret);
  });

  test("HTTPS_PROXY is used unless NO_PROXY names the broker", async () => {
    for (const [env, via] of [
      [{ HTTPS_PROXY: proxy.urlWith("dealer", PASSWORD) }, ` through the proxy ${proxy.url}`],
      [{ HTTPS_PROXY: proxy.urlWith("dealer", PASSWORD), NO_PROXY: "localhost,127.0.0.1" }, ""],
    ] as const) {
      const lines: string[] = [];
      const c = client(lines, { env });
      try {
        await waitFor(() => lines.length > 0, 5_000, "connected");
        expect(lines).toEqual([`wake-ups: connected to mqtts://127.0.0.1:${f.port}${via}`]);
      } finally {
        await c.close();
      }
    }
  });

  test("a wrong proxy password is said plainly, retried, and never logged", async () => {
    const lines: string[] = [];
    const c = client(lines, { proxy: { url: proxy.urlWith("dealer", "not-the-proxy-pw") } });
    try {
      await waitFor(() => lines.length >= 2, 5_000, "two failures");
    } finally {
      await c.close();
    }
    expect(lines[0]).toStartWith(`wake-ups: cannot connect (mqtts://127.0.0.1:${f.port} through the proxy ${proxy.url}: the proxy ${proxy.url} refused the tunnel`);
    expect(lines[0]).toContain("did not accept the user and password");
    expect(lines[1]).toStartWith("wake-ups: still unavailable");
    expect(lines.join("\n")).not.toContain("not-the-proxy-pw");
  });

  test("a broker that is not the pinned hub is refused over the tunnel", async () => {
    const lines: string[] = [];
    const c = client(lines, { proxy: { url: proxy.urlWith("dealer", PASSWORD) }, caFingerprint: `sha256:${"ab".repeat(32)}` });
    try {
      await waitFor(() => lines.length >= 1, 5_000, "a failure");
    } finally {
      await c.close();
    }
    expect(lines[0]).toContain("is not the pinned hub");
    expect(lines.join("\n")).not.toContain(PASSWORD);
  });

  describe("MQTT over WebSocket to the hub's port", () => {
    let agents = 0;
    /** An agent of a new site of the in-process hub, and a wake client for it on `urls` through the proxy, pinned to the hub's CA. */
    function agentOfHub(urls: (port: number) => string[], lines: string[], onWake: () => void = () => {}) {
      const n = ++agents;
      const site = hub.store.createSite(`Site ${n}`);
      const r = hub.store.activate({ code: hub.store.createActivationCode(site.id).code, installId: `i${n}`, hostname: "h", agentVersion: "t", platform: "linux-x64" });
      if (!r.ok) throw new Error(r.reason);
      const pin = `sha256:${createHash("sha256").update(new X509Certificate(hub.tls.caPem!).raw).digest("hex")}`;
      const client = startWakeClient({
        settings: { urls: urls(hub.port), topic: wakeTopic(r.agent.id), username: r.agent.id, clientId: r.agent.id },
        secret: r.secret,
        caFingerprint: pin,
        proxy: { url: proxy.urlWith("dealer", PASSWORD) },
        env: {},
        wake: onWake,
        pollSeconds: () => 300,
        log: (l) => lines.push(l),
        backoff: createBackoff(100, 400),
        connectTimeoutMs: 3_000,
      });
      return { siteId: site.id, secret: r.secret, client };
    }

    test("wss:// through the proxy, pinned: a new task wakes the agent, and neither password is logged", async () => {
      const lines: string[] = [];
      let wakes = 0;
      const before = proxy.log().length;
      const a = agentOfHub((port) => [`wss://127.0.0.1:${port}/mqtt`], lines, () => wakes++);
      try {
        await waitFor(() => lines.length > 0, 5_000, "connected");
        expect(lines).toEqual([`wake-ups: connected to wss://127.0.0.1:${hub.port}/mqtt through the proxy ${proxy.url}`]);
        const t0 = performance.now();
        hub.store.createTask(a.siteId, create(TaskSchema, { kind: { case: "scan", value: { targets: [] } } }));
        await waitFor(() => wakes === 1, 2_000, "the wake");
        console.log(`wss through ${proxy.kind}: woken ${Math.round(performance.now() - t0)} ms after the task was created`);
        if (proxy.kind === "tinyproxy") expect(proxy.log().slice(before)).toContain(`CONNECT 127.0.0.1:${hub.port}`);
      } finally {
        await a.client.close();
      }
      expect(lines.join("\n")).not.toContain(PASSWORD);
      expect(lines.join("\n")).not.toContain(a.secret);
      expect(proxy.log()).not.toContain(PASSWORD);
    });

    test("an upgrade the hub refuses (a path it does not serve) is said plainly and retried", async () => {
      const lines: string[] = [];
      const a = agentOfHub((port) => [`wss://127.0.0.1:${port}/elsewhere`], lines);
      try {
        await waitFor(() => lines.length >= 2, 5_000, "two failures");
      } finally {
        await a.client.close();
      }
      expect(lines[0]).toStartWith(`wake-ups: cannot connect (wss://127.0.0.1:${hub.port}/elsewhere through the proxy ${proxy.url}: the WebSocket upgrade failed: `);
      expect(lines[1]).toStartWith("wake-ups: still unavailable");
      expect(lines.join("\n")).not.toContain(PASSWORD);
    });
  });
});
