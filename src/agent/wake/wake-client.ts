/**
 * The agent's wake-up line: stays connected to the hub's MQTT broker (the
 * first URL that works, in the hub's order) and turns each message on its
 * topic into a poll, at most one per second. The message itself is never
 * read. Losing the broker only costs latency: the agent keeps polling on
 * schedule, and this retries with backoff (1 s doubling to 5 min, jittered).
 */
import type { MqttClient } from "mqtt";
import { type Backoff, createBackoff } from "../../common/backoff.ts";
import { type BrokerAddress, parseBrokerUrl } from "./broker-url.ts";
import { createCoalescer } from "./coalesce-wake.ts";
import { type BrokerLogin, connectBroker } from "./connect-broker.ts";

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

/** A stable key of the settings: a change means reconnecting. */
export function wakeSettingsKey(s: WakeSettings): string {
  return JSON.stringify([s.urls, s.topic, s.username, s.clientId]);
}

export function startWakeClient(opts: WakeClientOptions): WakeClient {
  const { settings, log } = opts;
  const backoff = opts.backoff ?? createBackoff(1_000, 5 * 60_000);
  const coalescer = createCoalescer(opts.wake, opts.coalesceMs ?? 1_000);
  const login: BrokerLogin = { username: settings.username, clientId: settings.clientId, password: opts.secret, topic: settings.topic };
  const addresses: BrokerAddress[] = [];
  for (const url of settings.urls) {
    try {
      addresses.push(parseBrokerUrl(url));
    } catch (e) {
      log(`wake-ups: ignoring broker URL from the hub: ${(e as Error).message}`);
    }
  }
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

  async function connectFirst(): Promise<{ client: MqttClient; address: BrokerAddress }> {
    const reasons: string[] = [];
    for (const address of addresses) {
      if (closed) break;
      try {
        return { client: await connectBroker({ address, login, caPem: opts.caPem, timeoutMs: opts.connectTimeoutMs, keepaliveSeconds: opts.keepaliveSeconds, signal: stopping.signal }), address };
      } catch (e) {
        reasons.push(`${address.label}: ${(e as Error).message}`);
      }
    }
    throw new Error(reasons.join("; ") || "no usable broker URL");
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
        log(`wake-ups: connected to ${c.address.label}`);
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
      log(`wake-ups: ${verb} (${why}); polling every ${opts.pollSeconds()} s still works, retrying in ${Math.round(wait / 1000)} s`);
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
