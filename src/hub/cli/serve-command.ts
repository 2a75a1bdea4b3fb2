/**
 * `dca-hub serve`: runs the hub until SIGINT/SIGTERM, printing where it
 * listens and how an agent trusts its certificate. The first stdout line is
 * a JSON "ready" record so scripts and tests can wait for it.
 */
import { type ParsedArgs, UsageError, flag, parseArgs } from "../../common/args.ts";
import { LIMITS } from "../../common/config/index.ts";
import { formatDuration } from "../../common/duration.ts";
import { parseCount, parseDurationSeconds } from "../admin/admin-format.ts";
import { type AgentQuotaLimits, DEFAULT_AGENT_QUOTA } from "../api/agent-quota.ts";
import { MQTT_BOOLEAN_FLAGS, MQTT_VALUED_FLAGS, mqttOptionsFrom, parseHostPort } from "../mqtt/serve-options.ts";
import { RELAY_VALUED_FLAGS, relayOptionsFrom } from "../relay/serve-options.ts";
import { CONNECTION_LIMITS } from "../server/connection-limits.ts";
import { startHub } from "../server/start-hub.ts";
import { hubTrustHint } from "../tls/index.ts";

export async function serveCommand(argv: string[], dataDir: string): Promise<number> {
  const p = parseArgs(argv, ["listen", "cert", "key", "hostname", "poll", "quota-readings", "quota-bytes", "max-connections-per-address", "web-access-domain", "public-url", "alert-every", ...MQTT_VALUED_FLAGS, ...RELAY_VALUED_FLAGS], MQTT_BOOLEAN_FLAGS);
  if (p.positional.length) throw new UsageError(`serve takes no arguments, got "${p.positional[0]}"`);
  const { host, port } = parseHostPort("listen", flag(p, "listen") ?? "0.0.0.0:8443");
  const certFile = flag(p, "cert");
  const keyFile = flag(p, "key");
  if (!!certFile !== !!keyFile) throw new UsageError("--cert and --key go together");
  const mqtt = mqttOptionsFrom(p, host);
  const relay = relayOptionsFrom(p, host);
  // Behind a load balancer or reverse proxy every agent comes from its address.
  const perAddress = flag(p, "max-connections-per-address");
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const hub = await startHub({
    dataDir, host, port, certFile, keyFile,
    hostnames: p.flags.get("hostname") ?? [],
    defaultPollSeconds: pollSeconds(p),
    quota: quotaLimits(p),
    limits: perAddress === undefined ? undefined : { maxPerAddress: parseCount(perAddress, "--max-connections-per-address", 1, CONNECTION_LIMITS.maxConnections) },
    mqtt,
    relay,
    // The relay's dialer and its endForward hook are wired here with the relay (src/hub/relay).
    webAccess: { domain: flag(p, "web-access-domain") },
    publicUrl: publicUrl(p),
    alertEveryMs: alertEveryMs(p),
    log,
  });
  console.log(JSON.stringify({ ready: true, pid: process.pid, url: hub.url, port: hub.port, dataDir, caFingerprint: hub.tls.caFingerprint, caPath: hub.tls.caPath, mqtt: hub.mqtt, relay: hub.relay.describe() }));
  log(`dca-hub listening on ${hub.url} (data: ${dataDir})`);
  log(hubTrustHint(hub.tls, hub.url));
  if (hub.setup) {
    // The console is where the person who started the hub looks; the code works once, for an hour.
    log(`first run: this hub has no user yet. Make its owner in a browser at ${hub.setup.url} (works once, until ${hub.setup.expiresAt.toISOString().slice(0, 16)} UTC; a restart prints a new one), or stop the hub and run: dca-hub admin-local --data ${dataDir} owner create NAME`);
  }
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  log("stopping");
  await hub.close();
  return 0;
}

/** --poll as a duration with units (5m, 300s), within what an agent accepts as its poll interval. */
function pollSeconds(p: ParsedArgs): number | undefined {
  const v = flag(p, "poll");
  if (v === undefined) return undefined;
  const s = parseDurationSeconds(v, "--poll");
  const { min, max } = LIMITS.pollMs;
  if (s * 1000 < min || s * 1000 > max) throw new UsageError(`--poll must be from ${formatDuration(min)} to ${formatDuration(max)}, got "${v}"`);
  return s;
}

/** --alert-every: how often alert rules are evaluated (1s to 1h; default 1m). */
function alertEveryMs(p: ParsedArgs): number | undefined {
  const v = flag(p, "alert-every");
  if (v === undefined) return undefined;
  const s = parseDurationSeconds(v, "--alert-every");
  if (s < 1 || s > 3600) throw new UsageError(`--alert-every must be from 1s to 1h, got "${v}"`);
  return s * 1000;
}

/** --public-url: an https:// origin (the SSO redirect URI is made from it). */
function publicUrl(p: ParsedArgs): string | undefined {
  const v = flag(p, "public-url");
  if (v === undefined) return undefined;
  const u = URL.canParse(v) ? new URL(v) : undefined;
  if (!u || u.protocol !== "https:" || u.pathname !== "/" || u.search || u.hash || u.username) {
    throw new UsageError(`--public-url must be https://HOST[:PORT] (no path), got "${v}"`);
  }
  return u.origin;
}

/** --quota-readings (per agent per hour) and --quota-bytes (per agent per day) over the defaults. */
function quotaLimits(p: ParsedArgs): AgentQuotaLimits {
  const readings = flag(p, "quota-readings");
  const bytes = flag(p, "quota-bytes");
  return {
    readingsPerHour: readings === undefined ? DEFAULT_AGENT_QUOTA.readingsPerHour : parseCount(readings, "--quota-readings", 1, 1e9),
    bytesPerDay: bytes === undefined ? DEFAULT_AGENT_QUOTA.bytesPerDay : parseCount(bytes, "--quota-bytes", 1, Number.MAX_SAFE_INTEGER),
  };
}
