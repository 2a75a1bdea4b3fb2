/** Raw mqtt.js clients for broker tests: what the agent's own code would never send. */
import mqtt, { type MqttClient } from "mqtt";
import { type BrokerAddress, tlsConnectOptions } from "../../src/common/broker-url.ts";

/** One connection attempt, no retries, errors swallowed (see mqttOutcome); added to `opened` for cleanup. */
export function rawMqttClient(
  address: BrokerAddress,
  caPem: string | undefined,
  login: { username: string; password: string; clientId: string },
  opened: MqttClient[],
): MqttClient {
  const c = mqtt.connect({ ...tlsConnectOptions(address, caPem), reconnectPeriod: 0, connectTimeout: 5_000, ...login });
  c.on("error", () => {});
  opened.push(c);
  return c;
}

/** How the attempt ended: "connected", "closed", or "error <CONNACK code>: <message>". */
export const mqttOutcome = (c: MqttClient) =>
  new Promise<string>((resolve) => {
    c.once("connect", () => resolve("connected"));
    c.once("error", (e) => resolve(`error ${(e as Error & { code?: number }).code}: ${e.message}`));
    c.once("close", () => resolve("closed"));
  });
