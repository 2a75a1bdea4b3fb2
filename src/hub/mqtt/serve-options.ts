/**
 * The MQTT options of `dca-hub serve`, checked together: the embedded
 * broker (default), none (--no-mqtt), or an external broker the hub
 * publishes to (--mqtt-broker with its user, password file and the URLs
 * agents are to use).
 */
import { readFileSync } from "node:fs";
import { type ParsedArgs, UsageError, flag } from "../../common/args.ts";
import { parseBrokerUrl } from "../../common/broker-url.ts";
import type { HubMqttOptions } from "./start-hub-mqtt.ts";

/** The flags serve takes for MQTT (valued, then boolean). */
export const MQTT_VALUED_FLAGS = ["mqtt-listen", "mqtt-public-url", "mqtt-broker", "mqtt-user", "mqtt-password-file", "mqtt-ca"] as const;
export const MQTT_BOOLEAN_FLAGS = ["no-mqtt"] as const;

/** The MQTT over TLS port when --mqtt-listen is not given. */
export const DEFAULT_MQTT_PORT = 8883;

/** A listen address "HOST:PORT" or "[V6]:PORT" ("" or no host: every address); `name` is the option. */
export function parseHostPort(name: string, s: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(s);
  if (!m || Number(m[3]) > 65535) throw new UsageError(`--${name} must be HOST:PORT or [V6]:PORT with a port up to 65535, got "${s}"`);
  return { host: m[1] ?? (m[2] || "0.0.0.0"), port: Number(m[3]) };
}

function readSmallFile(name: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`--${name}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

/** `hubHost` is the --listen host: MQTT over TLS listens there too unless told otherwise. */
export function mqttOptionsFrom(p: ParsedArgs, hubHost: string): HubMqttOptions {
  const given = (name: string) => p.flags.has(name);
  const publicUrls = (p.flags.get("mqtt-public-url") ?? []).map((u) => {
    try {
      return parseBrokerUrl(u).label;
    } catch (e) {
      throw new UsageError(`--mqtt-public-url: ${(e as Error).message}`);
    }
  });
  if (given("no-mqtt")) {
    const other = MQTT_VALUED_FLAGS.find(given);
    if (other) throw new UsageError(`--no-mqtt and --${other} do not go together`);
    return { mode: "off" };
  }
  const brokerUrl = flag(p, "mqtt-broker");
  if (brokerUrl === undefined) {
    const stray = (["mqtt-user", "mqtt-password-file", "mqtt-ca"] as const).find(given);
    if (stray) throw new UsageError(`--${stray} is for an external broker: it needs --mqtt-broker URL`);
    const listenFlag = flag(p, "mqtt-listen");
    const listen = listenFlag === undefined ? { host: hubHost, port: DEFAULT_MQTT_PORT } : parseHostPort("mqtt-listen", listenFlag);
    return { mode: "embedded", listen, listenIsDefault: listenFlag === undefined, publicUrls };
  }
  try {
    parseBrokerUrl(brokerUrl);
  } catch (e) {
    throw new UsageError(`--mqtt-broker: ${(e as Error).message}`);
  }
  if (given("mqtt-listen")) throw new UsageError("--mqtt-listen is for the hub's own broker; with --mqtt-broker the hub runs none");
  const user = flag(p, "mqtt-user");
  const passwordFile = flag(p, "mqtt-password-file");
  if (!user || !passwordFile) throw new UsageError("--mqtt-broker needs --mqtt-user U and --mqtt-password-file F (the hub's login there)");
  if (publicUrls.length === 0) throw new UsageError("--mqtt-broker needs --mqtt-public-url URL: where agents reach that broker");
  // The file holds the password alone; a trailing newline from an editor or echo is not part of it.
  const password = readSmallFile("mqtt-password-file", passwordFile).replace(/\r?\n$/, "");
  if (!password) throw new UsageError(`--mqtt-password-file: ${passwordFile} is empty`);
  const caFile = flag(p, "mqtt-ca");
  return { mode: "external", brokerUrl, user, password, caPem: caFile ? readSmallFile("mqtt-ca", caFile) : undefined, publicUrls };
}
