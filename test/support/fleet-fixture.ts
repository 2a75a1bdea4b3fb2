/**
 * Two sites with an agent, a device, readings and a counter flag each, in an
 * admin harness: what the fleet permission tests compare a site's people
 * against (site A's rows allowed, site B's refused, listings only A's).
 */
import { adminHarness, type AdminHarness } from "./admin-harness.ts";
import { makeReading, outbox } from "./hub-store-fixtures.ts";
import type { Agent, DeviceSummary, Site } from "../../src/hub/store/index.ts";

export interface FleetSite {
  site: Site;
  agent: Agent;
  device: DeviceSummary;
  /** Reading ids, oldest first. */
  readings: string[];
}

export interface FleetFixture extends AdminHarness {
  a: FleetSite;
  b: FleetSite;
  /** An install locked out by failed activations. */
  lockedInstall: string;
}

const HOUR = 3600_000;

/** SiteA and SiteB, each with one agent and one device read three times (the last read went backwards: a flag). */
export function fleetFixture(): FleetFixture {
  const h = adminHarness();
  const { store, clock } = h;
  const siteWith = (name: string, serial: string): FleetSite => {
    const site = store.createSite(name);
    const r = store.activate({ code: store.createActivationCode(site.id).code, installId: `inst-${name}`, hostname: `${name}-pc`, agentVersion: "0.1.0", platform: "linux-x64" });
    if (!r.ok) throw new Error(r.reason);
    const readings = [1, 2, 3].map((i) => `${name}-r${i}`);
    const totals = [1000n, 1100n, 900n];
    store.storeReadings(
      r.agent,
      readings.map((id, i) => outbox(id, makeReading({ address: "10.0.0.7", serial, readAt: clock.ms - (3 - i) * HOUR, total: totals[i] }))),
    );
    const device = store.listDevices({ siteId: site.id })[0]!;
    return { site, agent: store.getAgent(r.agent.id)!, device, readings };
  };
  const a = siteWith("SiteA", "SERIAL-A");
  const b = siteWith("SiteB", "SERIAL-B");
  for (let i = 0; i < 5; i++) store.activate({ code: "ZZZZ-ZZZZ", installId: "inst-locked", hostname: "h", agentVersion: "0", platform: "p" });
  return { ...h, a, b, lockedInstall: "inst-locked" };
}
