/**
 * Our own fleet simulator (test/sim/fleet.ts, owned by the simulator's author) as a peer
 * for the fixture suites, in its snmpsim-compatible data-dir mode: one endpoint on
 * loopback, community = file stem, `<stem>@<context>` for context companions. It runs
 * in the test process. While the module is missing or does not load, the suites that
 * use it skip with a printed reason.
 */
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import type { SnmpPeer } from "./peer-suite.ts";
import { repoRoot } from "./shared-dir.ts";
import type { SnmpAgent } from "./snmpsim.ts";

const FLEET_MODULE = join(repoRoot, "test", "sim", "fleet.ts");

/** The parts of test/sim/fleet.ts this adapter uses. */
interface FleetModule {
  startFleet(options: { dataDir: { address: string; recordings: readonly string[] } }): Promise<{
    dataDir?: { address: string; port: number };
    stats(): unknown;
    stop(): Promise<void>;
  }>;
}

export async function fleetPeer(): Promise<SnmpPeer> {
  const name = "fleet simulator";
  const unavailable = (skipReason: string): SnmpPeer => ({
    name,
    skipReason,
    start: () => Promise.reject(new Error(skipReason)),
  });
  if (!existsSync(FLEET_MODULE)) return unavailable("test/sim/fleet.ts does not exist (yet)");
  let mod: Partial<FleetModule>;
  try {
    mod = (await import(FLEET_MODULE)) as Partial<FleetModule>;
  } catch (e) {
    return unavailable(`test/sim/fleet.ts does not load (yet): ${(e as Error).message.split("\n")[0]}`);
  }
  const startFleet = mod.startFleet;
  if (typeof startFleet !== "function") return unavailable("test/sim/fleet.ts exports no startFleet()");
  return {
    name,
    async start(files): Promise<SnmpAgent> {
      // Context companions load with their main file.
      const recordings = files.filter((f) => !basename(f).includes("@"));
      const fleet = await startFleet({ dataDir: { address: "127.0.0.1", recordings } });
      if (!fleet.dataDir) throw new Error("startFleet() returned no data-dir endpoint");
      return {
        host: fleet.dataDir.address,
        port: fleet.dataDir.port,
        dataDir: "",
        logTail: () => JSON.stringify(fleet.stats()),
        stop: () => fleet.stop(),
      };
    },
  };
}
