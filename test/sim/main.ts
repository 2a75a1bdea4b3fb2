/**
 * The fleet simulator as a process, for benchmarks and the demo:
 *
 *   npx bun test/sim/main.ts --recordings DIR_OR_FILE[,..] --base 127.20.0.1 --count 1000 --port 161
 *
 * Prints one JSON line {"ready":true,...} once every socket listens, and
 * {"stopped":true,"stats":{...}} on SIGTERM/SIGINT before exiting.
 */
import { parseArgs } from "node:util";
import type { V3UserConfig } from "./agent/v3-engine.ts";
import { HOSTILE_MODES, type HostileMode, parseHostileModes } from "./agent/hostile-modes.ts";
import { type DeviceOptions, type FleetOptions, startFleet } from "./fleet.ts";
import { loopbackRange, parseEndpoint } from "./loopback.ts";
import { listRecordingFiles } from "./recording-set.ts";
import { AUTH_PROTOCOLS, PRIV_PROTOCOLS, type AuthProtocol, type PrivProtocol } from "./usm.ts";

const USAGE = `usage: bun test/sim/main.ts --recordings DIR_OR_FILE[,...] [options]
  --recordings P[,P]         .snmprec files or directories (repeatable); assigned round-robin
  --base ADDR                first address, in 127.0.0.0/8 or ::1 (default 127.20.0.1)
  --count N                  number of devices, consecutive addresses (default 1)
  --port N                   UDP port of every device (default 161)
  --community C[,C]          v1/v2c communities (default public)
  --v3-user NAME:AUTH:PASS[:PRIV:PASS]  e.g. u1:sha:authpass1:aes128:privpass1 (repeatable)
  --silent-fraction F        share of devices that never answer (default 0)
  --wrong-community-fraction F  share of devices answering another community (default 0)
  --latency D                response delay, e.g. 5ms, 0.2s (default 0)
  --loss F                   request loss probability 0..1 (default 0)
  --max-response-size N      largest v1/v2c response in octets (default 1472)
  --hostile MODE[,MODE][:F]  a share F (default 1) of the devices misbehave (repeatable; modes:
                             ${HOSTILE_MODES.join(", ")}; README.md)
  --data-dir-mode ADDR:PORT  also serve every recording there, community = file stem (snmpsimd --data-dir)
  --transport bun|dgram      socket API (default bun)
  --seed N                   seed for choosing silent/wrong-community devices and loss (default 1)`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function fraction(name: string, text: string | undefined): number {
  const v = Number(text ?? 0);
  if (!(v >= 0 && v <= 1)) fail(`--${name} must be within 0..1, got ${text}`);
  return v;
}

function duration(text: string | undefined): number {
  if (!text) return 0;
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text);
  if (!m) fail(`--latency: expected e.g. 5ms or 0.2s, got ${text}`);
  return Number(m[1]) * (m[2] === "s" ? 1000 : 1);
}

/** "longer-oids,slow:0.1" as the modes and the share of devices that get them. */
function hostileFlag(text: string): { modes: HostileMode[]; share: number } {
  const [names = "", share] = text.split(":");
  try {
    return { modes: parseHostileModes(names.split(",").filter(Boolean)), share: share === undefined ? 1 : fraction("hostile", share) };
  } catch (e) {
    fail(`--hostile: ${(e as Error).message}`);
  }
}

function v3User(text: string): V3UserConfig {
  const [name, auth, authKey, priv, privKey] = text.split(":");
  if (!name) fail(`--v3-user: empty name in "${text}"`);
  if (auth && !(auth in AUTH_PROTOCOLS)) fail(`--v3-user: auth must be one of ${Object.keys(AUTH_PROTOCOLS).join(", ")}`);
  if (priv && !(priv in PRIV_PROTOCOLS)) fail(`--v3-user: priv must be one of ${Object.keys(PRIV_PROTOCOLS).join(", ")}`);
  return {
    name,
    authProtocol: (auth || undefined) as AuthProtocol | undefined,
    authKey,
    privProtocol: (priv || undefined) as PrivProtocol | undefined,
    privKey,
  };
}

/** mulberry32: a tiny seeded generator, so a given --seed picks the same silent devices every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        recordings: { type: "string", multiple: true },
        base: { type: "string", default: "127.20.0.1" },
        count: { type: "string", default: "1" },
        port: { type: "string", default: "161" },
        community: { type: "string", multiple: true },
        "v3-user": { type: "string", multiple: true },
        "silent-fraction": { type: "string" },
        "wrong-community-fraction": { type: "string" },
        latency: { type: "string" },
        loss: { type: "string" },
        "max-response-size": { type: "string" },
        hostile: { type: "string", multiple: true },
        "data-dir-mode": { type: "string" },
        transport: { type: "string", default: "bun" },
        seed: { type: "string", default: "1" },
        help: { type: "boolean" },
      },
      strict: true,
    });
  } catch (e) {
    fail((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    console.log(USAGE);
    return;
  }
  if (!v.recordings) fail("--recordings is required");
  const paths = v.recordings.flatMap((p) => p.split(",")).filter(Boolean);
  const count = Number(v.count);
  const port = Number(v.port);
  if (!Number.isInteger(count) || count < 0) fail(`--count must be a whole number, got ${v.count}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, got ${v.port}`);
  if (v.transport !== "bun" && v.transport !== "dgram") fail(`--transport must be bun or dgram, got ${v.transport}`);
  const random = seeded(Number(v.seed));
  const silentFraction = fraction("silent-fraction", v["silent-fraction"]);
  const wrongFraction = fraction("wrong-community-fraction", v["wrong-community-fraction"]);
  const latencyMs = duration(v.latency);
  const lossRate = fraction("loss", v.loss);
  const maxResponseSize = v["max-response-size"] ? Number(v["max-response-size"]) : undefined;
  const communities = v.community?.flatMap((c) => c.split(",")).filter(Boolean);
  const v3Users = (v["v3-user"] ?? []).map(v3User);
  const hostile = (v.hostile ?? []).map(hostileFlag);

  let files: string[];
  let addresses: string[];
  try {
    files = listRecordingFiles(paths);
    addresses = loopbackRange(v.base, count);
  } catch (e) {
    fail((e as Error).message);
  }
  const devices: DeviceOptions[] = addresses.map((address, i) => ({
    address,
    port,
    recording: files[i % files.length],
    communities,
    v3Users,
    silent: random() < silentFraction,
    wrongCommunity: random() < wrongFraction,
    latencyMs: latencyMs || undefined,
    lossRate,
    maxResponseSize,
    hostile: [...new Set(hostile.flatMap((h) => (random() < h.share ? h.modes : [])))],
  }));
  const options: FleetOptions = { devices, transport: v.transport, random };
  const dataDirMode = v["data-dir-mode"];
  if (dataDirMode) {
    let ep: { address: string; port: number };
    try {
      ep = parseEndpoint(dataDirMode);
    } catch (e) {
      fail(`--data-dir-mode: ${(e as Error).message}`);
    }
    options.dataDir = { ...ep, recordings: paths, v3Users, maxResponseSize };
  }
  const t0 = performance.now();
  let fleet: Awaited<ReturnType<typeof startFleet>>;
  try {
    fleet = await startFleet(options);
  } catch (e) {
    console.error(`cannot start the fleet: ${(e as Error).message}`);
    process.exit(1);
  }
  const first = fleet.devices[0];
  const last = fleet.devices[fleet.devices.length - 1];
  console.log(
    JSON.stringify({
      ready: true,
      pid: process.pid,
      devices: fleet.devices.length,
      first: first ? `${first.address}:${first.port}` : null,
      last: last ? `${last.address}:${last.port}` : null,
      silent: devices.filter((d) => d.silent).length,
      wrongCommunity: devices.filter((d) => d.wrongCommunity).length,
      hostile: devices.filter((d) => d.hostile?.length).map((d) => `${d.address} ${d.hostile!.join(",")}`),
      recordings: files.length,
      dataDir: fleet.dataDir ? `${fleet.dataDir.address}:${fleet.dataDir.port}` : null,
      startupMs: Math.round(performance.now() - t0),
    }),
  );
  const stop = async () => {
    await fleet.stop();
    console.log(JSON.stringify({ stopped: true, stats: fleet.stats() }));
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

await main();
