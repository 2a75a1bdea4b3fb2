/**
 * The wake-up client against the hub's real broker (aedes with the hub's
 * login rules, MQTT over TLS on loopback): it connects with the first URL
 * that works, turns a flood of nudges into at most one wake a second, says
 * when the broker is lost, and comes back when it returns.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { createBackoff } from "../../common/backoff.ts";
import { type EmbeddedBroker, startEmbeddedBroker } from "../../hub/mqtt/embedded-broker.ts";
import { wakeTopic } from "../../hub/mqtt/wake-topic.ts";
import { type HubStore, openHubStore } from "../../hub/store/index.ts";
import { tempDataDir } from "../../hub/store/test-fixtures.ts";
import { type HubTls, ensureHubTls } from "../../hub/tls/index.ts";
import { freeTcpPort } from "../../../test/support/free-port.ts";
import { startWakeClient } from "./wake-client.ts";

let dataDir: string;
let store: HubStore;
let tls: HubTls;
let agent: { id: string; secret: string };
let port: number;
let broker: EmbeddedBroker | undefined;

const startBroker = async () => {
  broker = await startEmbeddedBroker({ store, tls, listen: { host: "127.0.0.1", port }, log: () => {} });
  return broker;
};

beforeAll(async () => {
  dataDir = tempDataDir();
  store = openHubStore(dataDir);
  tls = ensureHubTls(dataDir, { hostnames: ["localhost", "127.0.0.1"] });
  const site = store.createSite("Acme");
  const r = store.activate({ code: store.createActivationCode(site.id).code, installId: "i1", hostname: "h", agentVersion: "t", platform: "linux-x64" });
  if (!r.ok) throw new Error(r.reason);
  agent = { id: r.agent.id, secret: r.secret };
  port = await freeTcpPort();
  await startBroker();
});

afterAll(async () => {
  await broker?.close();
  store?.close();
  rmSync(dirname(dataDir), { recursive: true, force: true });
});

async function waitFor(check: () => boolean, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

function client(urls: string[], lines: string[], onWake: () => void) {
  return startWakeClient({
    settings: { urls, topic: wakeTopic(agent.id), username: agent.id, clientId: agent.id },
    secret: agent.secret,
    caPem: tls.caPem,
    wake: onWake,
    pollSeconds: () => 300,
    log: (l) => lines.push(l),
    backoff: createBackoff(100, 400),
    connectTimeoutMs: 3_000,
  });
}

describe("wake client", () => {
  test("skips a dead URL, then a flood of nudges wakes at most once a second", async () => {
    const lines: string[] = [];
    let wakes = 0;
    const dead = await freeTcpPort();
    const c = client([`wss://127.0.0.1:${dead}/mqtt`, `mqtts://127.0.0.1:${port}`], lines, () => wakes++);
    try {
      await waitFor(() => lines.some((l) => l.startsWith("wake-ups: connected")), 5_000, "connected");
      expect(lines).toEqual([`wake-ups: connected to mqtts://127.0.0.1:${port}`]);
      const started = Date.now();
      for (let i = 0; i < 300; i++) {
        await broker!.publish(wakeTopic(agent.id), Buffer.from('{"task":"tsk_forged"}'));
        await Bun.sleep(10);
      }
      const seconds = (Date.now() - started) / 1000;
      await Bun.sleep(1_100); // the trailing wake
      console.log(`300 nudges in ${seconds.toFixed(1)} s woke the agent ${wakes} times`);
      expect(wakes).toBeGreaterThanOrEqual(Math.floor(seconds));
      expect(wakes).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    } finally {
      await c.close();
    }
    expect(lines.join("\n")).not.toContain(agent.secret);
  });

  test("a lost broker is said once with the poll interval, retried with backoff, and found again", async () => {
    const lines: string[] = [];
    let wakes = 0;
    const c = client([`mqtts://127.0.0.1:${port}`], lines, () => wakes++);
    try {
      await waitFor(() => lines.length === 1, 5_000, "connected");
      await broker!.close();
      broker = undefined;
      await waitFor(() => lines.length >= 3, 5_000, "lost and a failed retry");
      expect(lines[1]).toMatch(/^wake-ups: lost \(.+\); polling every 300 s still works, retrying in \d+ s$/);
      expect(lines[2]).toMatch(/^wake-ups: still unavailable \(.*mqtts:\/\/127\.0\.0\.1:\d+: .+\); polling every 300 s still works, retrying in \d+ s$/);
      await startBroker();
      await waitFor(() => lines.at(-1)!.startsWith("wake-ups: connected"), 5_000, "connected again");
      await broker!.publish(wakeTopic(agent.id), Buffer.from("{}"));
      await waitFor(() => wakes === 1, 2_000, "a wake after reconnecting");
    } finally {
      await c.close();
    }
    expect(lines.join("\n")).not.toContain(agent.secret);
  });

  test("a wrong secret is retried, not fatal, and never logged", async () => {
    const lines: string[] = [];
    const c = startWakeClient({
      settings: { urls: [`mqtts://127.0.0.1:${port}`], topic: wakeTopic(agent.id), username: agent.id, clientId: agent.id },
      secret: "not-the-secret-of-this-agent",
      caPem: tls.caPem,
      wake: () => {},
      pollSeconds: () => 300,
      log: (l) => lines.push(l),
      backoff: createBackoff(100, 400),
    });
    await waitFor(() => lines.length >= 2, 5_000, "two refusals");
    await c.close();
    expect(lines[0]).toContain("refused the user name or password");
    expect(lines.join("\n")).not.toContain("not-the-secret-of-this-agent");
  });
});
