/**
 * For the wake client's tests: the hub's real broker (aedes with the hub's
 * login rules, MQTT over TLS on loopback) with one activated agent, and a
 * wake client for that agent with short timers that logs into an array.
 */
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { createBackoff } from "../../src/common/backoff.ts";
import { type EmbeddedBroker, startEmbeddedBroker } from "../../src/hub/mqtt/embedded-broker.ts";
import { wakeTopic } from "../../src/common/wake-topic.ts";
import { type HubStore, openHubStore } from "../../src/hub/store/index.ts";
import { tempDataDir } from "../support/hub-store-fixtures.ts";
import { type HubTls, ensureHubTls } from "../../src/hub/tls/index.ts";
import { freeTcpPort } from "../support/free-port.ts";
import { type WakeClientOptions, startWakeClient } from "../../src/agent/wake/wake-client.ts";

export interface BrokerFixture {
  store: HubStore;
  tls: HubTls;
  agent: { id: string; secret: string };
  /** The broker's MQTT/TLS port (the same after a restart). */
  port: number;
  /** The running broker; undefined while stopped. */
  broker: EmbeddedBroker | undefined;
  startBroker(): Promise<EmbeddedBroker>;
  /** A wake client for the agent: `urls`, log lines into `lines`, `onWake` on each wake. */
  client(urls: string[], lines: string[], onWake?: () => void, extra?: Partial<WakeClientOptions>): ReturnType<typeof startWakeClient>;
  close(): Promise<void>;
}

export async function startBrokerFixture(): Promise<BrokerFixture> {
  const dataDir = tempDataDir();
  const store = openHubStore(dataDir);
  const tls = ensureHubTls(dataDir, { hostnames: ["localhost", "127.0.0.1"] });
  const site = store.createSite("Acme");
  const r = store.activate({ code: store.createActivationCode(site.id).code, installId: "i1", hostname: "h", agentVersion: "t", platform: "linux-x64" });
  if (!r.ok) throw new Error(r.reason);
  const agent = { id: r.agent.id, secret: r.secret };
  const port = await freeTcpPort();
  const f: BrokerFixture = {
    store,
    tls,
    agent,
    port,
    broker: undefined,
    async startBroker() {
      f.broker = await startEmbeddedBroker({ store, tls, listen: { host: "127.0.0.1", port }, log: () => {} });
      return f.broker;
    },
    client: (urls, lines, onWake = () => {}, extra = {}) =>
      startWakeClient({
        settings: { urls, topic: wakeTopic(agent.id), username: agent.id, clientId: agent.id },
        secret: agent.secret,
        caPem: tls.caPem,
        wake: onWake,
        pollSeconds: () => 300,
        log: (l) => lines.push(l),
        backoff: createBackoff(100, 400),
        connectTimeoutMs: 3_000,
        ...extra,
      }),
    async close() {
      await f.broker?.close();
      store.close();
      rmSync(dirname(dataDir), { recursive: true, force: true });
    },
  };
  await f.startBroker();
  return f;
}

/** Waits (10 ms steps) until `check` holds, or fails naming `what`. */
export async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}
