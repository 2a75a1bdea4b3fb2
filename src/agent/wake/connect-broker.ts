/**
 * One attempt to reach the broker: connect (directly with mqtt.js, or
 * over a stream we carry through the site's proxy), log in, subscribe to
 * the agent's topic. Resolves with the live client, or fails with a message
 * that says which step failed (never the secret). The retry loop around it
 * is in wake-client.ts.
 */
import { ConnectError } from "@connectrpc/connect";
import mqtt, { MqttClient } from "mqtt";
import { DcaError } from "../../common/errors.ts";
import type { ProxyEndpoint } from "../transport/index.ts";
import { type BrokerAddress, tlsConnectOptions } from "../../common/broker-url.ts";
import { openBrokerStream } from "./open-broker-stream.ts";
import { WS_CLIENT_OPTIONS } from "./open-web-socket.ts";

export interface BrokerLogin {
  username: string;
  clientId: string;
  /** The agent secret. */
  password: string;
  topic: string;
}

export interface ConnectBrokerOptions {
  address: BrokerAddress;
  login: BrokerLogin;
  /** Trust exactly this CA (the hub's own); undefined: the system roots. */
  caPem?: string;
  /** Through this proxy (a CONNECT tunnel), with the hub line's trust rules: caPem, and the pin ("sha256:hex") if given. */
  proxy?: ProxyEndpoint;
  pin?: string;
  /** For connecting, logging in and subscribing together (default 15 s). */
  timeoutMs?: number;
  /** Seconds between pings when idle (default 60): how soon a dead connection is noticed. */
  keepaliveSeconds?: number;
  /** Gives up the attempt (the agent is stopping). */
  signal?: AbortSignal;
}

/** CONNACK codes of MQTT 3.1.1, in words. */
const REFUSALS: Record<number, string> = {
  1: "the broker does not speak MQTT 3.1.1",
  2: "the broker refused the client id",
  3: "the broker is unavailable",
  4: "the broker refused the user name or password (agent disabled or replaced?)",
  5: "the broker refused this agent",
};

export async function connectBroker(opts: ConnectBrokerOptions): Promise<MqttClient> {
  const { address, login } = opts;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const session = {
    protocolVersion: 4 as const,
    clean: true,
    clientId: login.clientId,
    username: login.username,
    password: login.password,
    keepalive: opts.keepaliveSeconds ?? 60,
    connectTimeout: timeoutMs,
    // The caller owns retrying, with its own backoff and log lines.
    reconnectPeriod: 0,
    resubscribe: false,
    // mqtt-packet otherwise builds a 2-byte buffer for each of the 65,536 numbers on the first
    // write and keeps them all: 65,536 objects, about 6 MB of the idle agent's heap, to save
    // an allocation per packet on a line that carries a few packets an hour.
    writeCache: false,
  };
  let client: MqttClient;
  if (opts.proxy) {
    const stream = await openBrokerStream({ address, proxy: opts.proxy, trust: { kind: "verify", caPem: opts.caPem, pin: opts.pin }, timeoutMs }).catch((e: unknown) => {
      throw new DcaError(DcaError.from(e).code, e instanceof ConnectError ? e.rawMessage : (e as Error).message, { cause: e });
    });
    if (opts.signal?.aborted) {
      stream.destroy();
      throw new DcaError("canceled", "cancelled");
    }
    // One stream per attempt: the caller retries with a new one, and mqtt.js does not reconnect (reconnectPeriod 0).
    client = new MqttClient(() => stream, session);
  } else {
    // wsOptions: the same limits as the line through a proxy (mqtt.js adds the TLS options to them).
    client = mqtt.connect({ ...tlsConnectOptions(address, opts.caPem), ...session, wsOptions: { ...WS_CLIENT_OPTIONS } });
  }
  if (opts.signal?.aborted) {
    client.end(true);
    throw new DcaError("canceled", "cancelled");
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new DcaError("deadline-exceeded", `no answer within ${timeoutMs} ms`)), timeoutMs);
      const fail = (e: Error & { code?: number | string }) => {
        clearTimeout(timer);
        reject(
          typeof e.code === "number" && REFUSALS[e.code]
            ? new DcaError(e.code === 3 ? "unavailable" : "permission-denied", REFUSALS[e.code]!)
            : new DcaError(e instanceof DcaError ? e.code : "unavailable", describe(e), { cause: e }),
        );
      };
      client.once("error", fail);
      opts.signal?.addEventListener("abort", () => fail(new DcaError("canceled", "cancelled")), { once: true });
      const closed = () => fail(new DcaError("unavailable", "the connection closed before the broker answered"));
      client.once("close", closed);
      client.once("connect", () => {
        client.subscribe(login.topic, { qos: 0 }, (err, granted) => {
          clearTimeout(timer);
          client.off("error", fail);
          client.off("close", closed);
          if (err) return reject(new DcaError("unavailable", `subscribing to ${login.topic} failed: ${err.message}`));
          if (!granted?.length || granted.some((g) => g.qos === 128)) return reject(new DcaError("permission-denied", `the broker refused the subscription to ${login.topic}`));
          resolve();
        });
      });
    });
  } catch (e) {
    client.end(true);
    throw e;
  }
  return client;
}

/** Network and TLS errors, without anything from the connect options. */
function describe(e: Error & { code?: number | string }): string {
  const code = typeof e.code === "string" ? e.code : undefined;
  if (code && /^E[A-Z]+$/.test(code) && !e.message.includes(code)) return `${e.message} (${code})`;
  return e.message || code || "connection failed";
}
