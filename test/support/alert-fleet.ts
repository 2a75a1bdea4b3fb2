/**
 * A small fleet for alert tests: a store on a manual clock with sites and an
 * agent each, and readings whose supplies, status and counters a test sets
 * (the states and errors makeReading leaves at "ok").
 */
import { SupplyState } from "../../src/gen/dca/v1/reading_pb.ts";
import { type SqliteHubStore, openHubStore } from "../../src/hub/store/index.ts";
import { makeReading, outbox, tempDataDir } from "./hub-store-fixtures.ts";
import { type ManualClock, manualClock } from "./manual-clock.ts";

/** One device read by a test. */
export interface DeviceSpec {
  address: string;
  serial?: string;
  total?: bigint;
  supply?: { description: string; percent?: number; state?: SupplyState };
  errors?: string[];
  deviceStatus?: string;
}

/** The fleet, its store and clock, and how a test reads a device. */
export interface AlertFleet {
  store: SqliteHubStore;
  clock: ManualClock;
  dataDir: string;
  sites: Record<string, { id: string; agentId: string }>;
  /** Uploads a reading of a device of `site` taken now (or `readAt`); returns the device id. */
  read(site: string, d: DeviceSpec, readAt?: number): string;
}

let n = 0;

/** A store with the named sites, each with an agent activated now and never polled. */
export function alertFleet(siteNames: string[] = ["A", "B"], opts: { dataDir?: string; clock?: ManualClock } = {}): AlertFleet {
  const clock = opts.clock ?? manualClock();
  const dataDir = opts.dataDir ?? tempDataDir();
  const store = openHubStore(dataDir, { clock });
  const sites: AlertFleet["sites"] = {};
  for (const name of siteNames) {
    const s = store.createSite(name);
    store.updateSiteConfig(s.id, (c) => void (c.targets = ["127.0.0.0/8"]));
    const r = store.activate({ code: store.createActivationCode(s.id).code, installId: `${name}-install`.padEnd(32, "x"), hostname: `pc-${name}`, agentVersion: "0.1.0", platform: "linux-x64" });
    if (!r.ok) throw new Error(r.reason);
    sites[name] = { id: s.id, agentId: r.agent.id };
  }
  const read = (site: string, d: DeviceSpec, readAt = clock.now()) => {
    const r = makeReading({ address: d.address, serial: d.serial ?? `SN-${d.address}`, readAt, total: d.total ?? 1000n, supplies: d.supply ? [d.supply] : [] });
    if (d.supply?.state !== undefined) r.supplies[0]!.state = d.supply.state;
    r.status!.detectedErrors = d.errors ?? [];
    if (d.deviceStatus) r.status!.deviceStatus = d.deviceStatus;
    const agent = store.getAgent(sites[site]!.agentId)!;
    store.storeReadings(agent, [outbox(`alert-r${++n}`, r)]);
    return store.listDevices({ siteId: sites[site]!.id }).find((x) => x.address === d.address)!.id;
  };
  return { store, clock, dataDir, sites, read };
}

export { SupplyState };
