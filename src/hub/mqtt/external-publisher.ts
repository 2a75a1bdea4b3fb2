/**
 * Nudges through a broker the hub does not run (mosquitto, say): the hub
 * logs in as a client with its own user and publishes to the agents'
 * topics. mqtt.js reconnects on its own; a nudge while disconnected fails
 * at once (the agent then gets its work at the next poll).
 */
import { randomBytes } from "node:crypto";
import mqtt from "mqtt";
import { parseBrokerUrl, tlsConnectOptions } from "../../common/broker-url.ts";
import { DcaError } from "../../common/errors.ts";

export interface ExternalPublisherOptions {
  url: string;
  user: string;
  password: string;
  caPem?: string;
  log: (line: string) => void;
}

export interface ExternalPublisher {
  publish(topic: string, payload: Buffer): Promise<void>;
  close(): Promise<void>;
}

export function connectExternalPublisher(opts: ExternalPublisherOptions): ExternalPublisher {
  const address = parseBrokerUrl(opts.url);
  const { log } = opts;
  const client = mqtt.connect({
    ...tlsConnectOptions(address, opts.caPem),
    clean: true,
    clientId: `dca-hub-${randomBytes(6).toString("hex")}`,
    username: opts.user,
    password: opts.password,
    keepalive: 60,
    reconnectPeriod: 5_000,
    // A refused login (the hub's user not yet in the broker's password file) is retried too.
    reconnectOnConnackError: true,
    connectTimeout: 15_000,
  });
  let connected = false;
  let lastError = "";
  client.on("connect", () => {
    connected = true;
    lastError = "";
    log(`mqtt: publishing nudges through ${address.label}`);
  });
  client.on("close", () => {
    if (connected) log(`mqtt: lost the broker ${address.label}; reconnecting every 5 s (agents still poll)`);
    connected = false;
  });
  client.on("error", (e) => {
    if (e.message !== lastError) log(`mqtt: broker ${address.label}: ${e.message}`);
    lastError = e.message;
  });
  return {
    publish(topic, payload) {
      if (!connected) return Promise.reject(new DcaError("unavailable", `not connected to the broker ${address.label}`));
      return new Promise((resolve, reject) => client.publish(topic, payload, { qos: 0, retain: false }, (e) => (e ? reject(e) : resolve())));
    },
    async close() {
      await client.endAsync(true);
    },
  };
}
