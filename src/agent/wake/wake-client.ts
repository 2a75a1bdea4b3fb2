/**
 * The agent's wake-up line: stays connected to the hub's MQTT broker (the
 * first URL that works, in the hub's order, through the same proxy as the
 * hub line if there is one) and turns each message on its
 * topic into a poll, at most one per second. The message itself is never
 * read. Losing the broker only costs latency: the agent keeps polling on
 * schedule, and this retries with backoff (SERVICE_BACKOFF: 1 s doubling to
 * 8 s, jittered); each connection, first or again, asks for a poll at once.
 */
import { DcaError } from "../../common/errors.ts";
import type { MqttClient } from "mqtt";
import { type Backoff, SERVICE_BACKOFF, createBackoff, worthLogging } from "../../common/backoff.ts";
import { type ProxyEndpoint, type ProxyEnv, chooseProxy, normalizeFingerprint } from "../transport/index.ts";
import { type BrokerAddress, parseBrokerUrl } from "../../common/broker-url.ts";
import { createCoalescer } from "./coalesce-wake.ts";
import { type BrokerLogin, connectBroker } from "./connect-broker.ts";
import { brokerEndpoint } from "./open-broker-stream.ts";

/** What the hub said (MqttSettings), as plain values. */
export interface WakeSettings {
  urls: readonly string[];
  topic: string;
  username: string;
  clientId: string;
}

export interface WakeClientOptions {
  settings: WakeSettings;
  /** The agent secret (the broker password). Never logged. */
  secret: string;
  caPem?: string;
  /** The pin the agent was activated with; checked on connections through a proxy, as the hub line does. */
  caFingerprint?: string;
  /**
   * The agent's proxy for the hub ("http://[user:pass@]host:port"); when absent, HTTPS_PROXY / https_proxy
   * unless NO_PROXY names the broker: the same choice as the hub line makes.
   */
  proxy?: { url: string };
  /** Where proxy variables are read (default process.env). */
  env?: ProxyEnv;
  /** Poll now. Called at most once per `coalesceMs`. */
  wake: () => void;
  /** The poll interval in force, for the log line that says polling goes on. */
  pollSeconds: () => number;
  log: (line: string) => void;
  backoff?: Backoff;
  coalesceMs?: number;
  connectTimeoutMs?: number;
  keepaliveSeconds?: number;
}

export interface WakeClient {
  close(): Promise<void>;
}

/** A broker URL and the way to it: directly, or through the proxy the hub line uses. */
export interface BrokerRoute {
  address: BrokerAddress;
  proxy?: ProxyEndpoint;
  /** The URL, and the proxy's label when there is one (never its password). */
  label: string;
}

/**
 * Each usable URL of `urls` with its way there: `proxy` if given, else
 * HTTPS_PROXY unless NO_PROXY names the broker (the hub line's choice).
 * `onBad` hears why a URL (or the proxy URL) is unusable.
 */
export function brokerRoutes(urls: readonly string[], proxy: { url: string } | undefined, env: ProxyEnv | undefined, onBad: (why: string) => void): BrokerRoute[] {
  const routes: BrokerRoute[] = [];
  for (const url of urls) {
    try {
      const address = parseBrokerUrl(url);
      const via = chooseProxy(brokerEndpoint(address), proxy, env);
      routes.push({ address, proxy: via, label: via ? `${address.label} through the proxy ${via.label}` : address.label });
    } catch (e) {
      // parseProxyUrl's messages never quote the URL, so no password gets here.
      onBad((e as Error).message);
    }
  }
  return routes;
}

/** A stable key of the settings: a change means reconnecting. */
export function wakeSettingsKey(s: WakeSettings): string {
  return JSON.stringify([s.urls, s.topic, s.username, s.clientId]);
}

export function startWakeClient(opts: WakeClientOptions): WakeClient {
  const { settings, log } = opts;
  const backoff = opts.backoff ?? createBackoff(SERVICE_BACKOFF.baseMs, SERVICE_BACKOFF.capMs);
  const coalescer = createCoalescer(opts.wake, opts.coalesceMs ?? 1_000);
  const login: BrokerLogin = { username: settings.username, clientId: settings.clientId, password: opts.secret, topic: settings.topic };
  const addresses = brokerRoutes(settings.urls, opts.proxy, opts.env, (why) => log(`wake-ups: ignoring broker URL from the hub: ${why}`));
  const pin = opts.caFingerprint === undefined ? undefined : normalizeFingerprint(opts.caFingerprint);
  let closed = false;
  const stopping = new AbortController();
  let client: MqttClient | undefined;
  let interrupt: (() => void) | undefined;
  /** Resolves after `ms`, or at once on close(). */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      interrupt = () => {
        clearTimeout(t);
        resolve();
      };
    });

  async function connectFirst(): Promise<{ client: MqttClient; label: string }> {
    const reasons: string[] = [];
    for (const { address, proxy, label } of addresses) {
      if (closed) break;
      try {
        const client = await connectBroker({
          address,
          login,
          caPem: opts.caPem,
          pin,
          proxy,
          timeoutMs: opts.connectTimeoutMs,
          keepaliveSeconds: opts.keepaliveSeconds,
          signal: stopping.signal,
        });
        return { client, label };
      } catch (e) {
        reasons.push(`${label}: ${(e as Error).message}`);
      }
    }
    throw new DcaError("unavailable", reasons.join("; ") || "no usable broker URL");
  }

  const loop = async () => {
    if (addresses.length === 0) return;
    let failures = 0;
    while (!closed) {
      let why: string;
      let wasConnected = false;
      try {
        const c = await connectFirst();
        if (closed) {
          c.client.end(true);
          break;
        }
        client = c.client;
        failures = 0;
        wasConnected = true;
        log(`wake-ups: connected to ${c.label}`);
        // Nudges sent while the line was down (a task created right after the hub restarted) were lost: poll now.
        coalescer.nudge();
        why = await new Promise<string>((resolve) => {
          c.client.on("message", () => coalescer.nudge());
          c.client.once("close", () => resolve("connection closed"));
          c.client.once("error", (e) => resolve(e.message));
          interrupt = () => resolve("closing");
        });
        client = undefined;
        c.client.end(true);
        if (closed) break;
      } catch (e) {
        why = (e as Error).message;
      }
      failures++;
      const wait = backoff.delayMs(failures);
      const verb = wasConnected ? "lost" : failures === 1 ? "cannot connect" : "still unavailable";
      if (wasConnected || worthLogging(failures)) {
        log(`wake-ups: ${verb} (${why}); polling every ${opts.pollSeconds()} s still works, retrying in ${Math.round(wait / 1000)} s`);
      }
      await pause(wait);
    }
  };
  const done = loop().catch((e) => log(`wake-ups: stopped: ${(e as Error).message}`));

  return {
    async close() {
      closed = true;
      stopping.abort();
      coalescer.close();
      interrupt?.();
      client?.end(true);
      await done;
    },
  };
}
