/**
 * The MQTT side of the hub in one place, for startHub: the embedded broker
 * or a client of an external one, the watcher that nudges agents about new
 * tasks, and what agents are told in Poll and Activate (MqttSettings).
 */
import type { IncomingMessage } from "node:http";
import { rootCertificates } from "node:tls";
import type { Duplex } from "node:stream";
import { create } from "@bufbuild/protobuf";
import { type MqttSettings, MqttSettingsSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import type { WakeStore } from "../store/index.ts";
import { type EmbeddedBrokerOptions, MQTT_WS_PATH, startEmbeddedBroker } from "./embedded-broker.ts";
import { connectExternalPublisher } from "./external-publisher.ts";
import { type PublishNudge, startTaskNotifier } from "./task-notifier.ts";
import { wakeTopic } from "../../common/wake-topic.ts";

import type { SideListenerOptions } from "../server/side-listener.ts";
/** How the hub does MQTT (from `dca-hub serve` options). */
export type HubMqttOptions =
  | { mode: "off" }
  // MQTT over TLS and the /mqtt WebSocket.
  | ({ mode: "embedded" } & SideListenerOptions)
  | { mode: "external"; brokerUrl: string; user: string; password: string; caPem?: string; publicUrls: string[] };

export interface HubMqtt {
  /** MqttSettings for an agent; `requestUrl` is the URL the agent called the hub with (for the host name it knows the hub by). */
  settingsFor(agentId: string, requestUrl: string): MqttSettings | undefined;
  /** For the hub server's 'upgrade' event; false when not MQTT (the caller closes the socket). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** For the ready line. */
  describe(): Record<string, unknown>;
  /**
   * Wakes one agent now, for news that is no new task: a web-access session
   * ended, so the agent polls, learns it (PollResponse.ended_web_access) and
   * closes its tunnel at once instead of at its next poll.
   */
  nudge(agentId: string): Promise<void>;
  /** The agents connected to the embedded broker now (their wake lines are up); undefined when this hub cannot tell (off, external broker). */
  wakeLines(): ReadonlySet<string> | undefined;
  close(): Promise<void>;
}

export interface StartHubMqttOptions {
  options: HubMqttOptions;
  store: WakeStore;
  /** The hub's key and chain; `caPem` is the CA agents trust it by (the hub's own, or the given chain's root). */
  tls: { key: string; cert: string; caPem?: string };
  /** The hub's own URL, for agents whose request named no host. */
  hubUrl: () => string;
  /** The embedded broker's MQTT/TLS listener limits (the API port's, by default). */
  tlsLimits?: EmbeddedBrokerOptions["tlsLimits"];
  log: (line: string) => void;
}

const OFF: HubMqtt = { settingsFor: () => undefined, handleUpgrade: () => false, describe: () => ({ mode: "off" }), nudge: async () => {}, wakeLines: () => undefined, close: async () => {} };

export async function startHubMqtt(opts: StartHubMqttOptions): Promise<HubMqtt> {
  const { options, store, log } = opts;
  if (options.mode === "off") return OFF;
  const { mode, publicUrls } = options;

  let publish: PublishNudge;
  let closeTransport: () => Promise<void>;
  let handleUpgrade: HubMqtt["handleUpgrade"] = () => false;
  let tlsPort: number | undefined;
  let stopEvictions = () => {};
  let wakeLines: HubMqtt["wakeLines"] = () => undefined;
  if (options.mode === "external") {
    const ext = connectExternalPublisher({ url: options.brokerUrl, user: options.user, password: options.password, caPem: brokerCa(options.caPem, opts.tls.caPem), log });
    publish = ext.publish;
    closeTransport = ext.close;
  } else {
    const start = (listen?: { host: string; port: number }) => startEmbeddedBroker({ store, tls: opts.tls, listen, tlsLimits: opts.tlsLimits, log });
    let broker: Awaited<ReturnType<typeof startEmbeddedBroker>>;
    try {
      broker = await start(options.listen);
    } catch (e) {
      if (!options.listenIsDefault) throw e;
      // The message says which port and how to move it; the hub goes on without that listener.
      log(`${(e as Error).message} (going on with MQTT over WebSocket on the hub's port only)`);
      broker = await start(undefined);
    }
    publish = broker.publish;
    closeTransport = broker.close;
    handleUpgrade = broker.handleUpgrade;
    tlsPort = broker.tlsPort;
    stopEvictions = evictRevokedAgents(broker, store, log);
    const connected = broker;
    wakeLines = () => new Set(connected.connectedIds());
    const tlsPart = options.listen && tlsPort !== undefined ? `, MQTT over TLS on ${options.listen.host}:${tlsPort}` : "";
    log(`mqtt: wake-ups by MQTT over WebSocket at ${MQTT_WS_PATH} on the hub's port${tlsPart}`);
  }
  const notifier = startTaskNotifier({ store, publish, log });

  function urlsFor(requestUrl: string): string[] {
    if (mode !== "embedded" || publicUrls.length) return publicUrls;
    let reached: URL;
    try {
      reached = new URL(requestUrl);
    } catch {
      reached = new URL(opts.hubUrl());
    }
    const port = reached.port || "443";
    const urls = [`wss://${reached.hostname}:${port}${MQTT_WS_PATH}`];
    if (tlsPort !== undefined) urls.push(`mqtts://${reached.hostname}:${tlsPort}`);
    return urls;
  }

  return {
    settingsFor(agentId, requestUrl) {
      const urls = urlsFor(requestUrl);
      if (urls.length === 0) return undefined;
      return create(MqttSettingsSchema, { urls, topic: wakeTopic(agentId), username: agentId, clientId: agentId });
    },
    handleUpgrade,
    nudge: (agentId) => notifier.nudge([agentId]),
    wakeLines,
    describe: () =>
      options.mode === "external"
        ? { mode: "external", broker: options.brokerUrl, publicUrls }
        : { mode: "embedded", wsPath: MQTT_WS_PATH, tlsPort, publicUrls },
    async close() {
      notifier.stop();
      stopEvictions();
      await closeTransport();
    },
  };
}

/**
 * What the hub trusts an external broker's certificate by: --mqtt-ca when given, else the
 * system's roots and the CA agents trust the hub by, which `dca-hub mqtt broker-cert` signs
 * with (agents must trust the broker by it too), so a hub that is its own CA needs no
 * --mqtt-ca, even on its first start when that CA is not made yet when options are read.
 */
function brokerCa(given: string | undefined, hubCa: string | undefined): string | undefined {
  if (given !== undefined || hubCa === undefined) return given;
  return [...rootCertificates, hubCa].join("\n");
}

/** How often connected agents are checked against the store (disabled or replaced since they logged in). */
export const EVICT_INTERVAL_MS = 2_000;

/**
 * An agent an admin disables (or that re-activated as a new agent) is refused
 * at its next login; one already connected is cut here within EVICT_INTERVAL_MS
 * (the admin command runs in another process, so the store is the only news).
 */
function evictRevokedAgents(
  broker: { connectedIds(): string[]; disconnect(id: string): void },
  store: Pick<WakeStore, "getAgent">,
  log: (line: string) => void,
): () => void {
  const timer = setInterval(() => {
    try {
      for (const id of broker.connectedIds()) {
        const agent = store.getAgent(id);
        if (agent && !agent.disabled && !agent.replacedBy) continue;
        broker.disconnect(id);
        log(`mqtt: ${id} disconnected (${agent ? (agent.disabled ? "disabled" : "replaced") : "unknown"})`);
      }
    } catch (e) {
      log(`mqtt: checking connected agents failed: ${(e as Error).message}`);
    }
  }, EVICT_INTERVAL_MS);
  timer.unref?.();
  return () => clearInterval(timer);
}
