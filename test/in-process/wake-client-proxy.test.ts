/**
 * The wake-up client through a real HTTP CONNECT proxy (tinyproxy or squid
 * with basic auth, on loopback) to the hub's real broker over MQTT/TLS:
 * which proxy it picks (the given one, HTTPS_PROXY, NO_PROXY), the trust
 * rules over the tunnel, and what it says when the proxy refuses, never
 * with the password. WebSocket through a proxy: test/integration/mqtt-proxy.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { X509Certificate, createHash } from "node:crypto";
import { wakeTopic } from "../../src/common/wake-topic.ts";
import { type ProxyPeer, proxyPeerSkipReason, startProxyPeer } from "../support/proxy-peer.ts";
import { type BrokerFixture, startBrokerFixture, waitFor } from "./broker-fixture.ts";
import type { WakeClientOptions } from "../../src/agent/wake/wake-client.ts";

const skip = proxyPeerSkipReason();
if (skip) console.warn(`wake client proxy tests skipped: ${skip}`);
const PASSWORD = "wake-proxy-pw-5Rt";

let f: BrokerFixture;
let proxy: ProxyPeer;

describe.skipIf(!!skip)("wake client through an HTTP CONNECT proxy", () => {
  beforeAll(async () => {
    f = await startBrokerFixture();
    proxy = await startProxyPeer({ connectPorts: [f.port], basicAuth: { user: "dealer", password: PASSWORD } });
  });

  afterAll(async () => {
    await proxy?.close();
    await f?.close();
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
});
