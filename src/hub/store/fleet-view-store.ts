/**
 * What the fleet views need of the store (issue 15): the portal's overview,
 * devices table and device page, and the hub's metrics. One of the narrow
 * interfaces of hub-store.ts, kept beside the parts that implement it
 * (device-query.ts, fleet-counts.ts, device-history.ts).
 */
import type { AddressSeen, MeterDay } from "./device-history.ts";
import type { DeviceQuery, Facet } from "./device-query.ts";
import type { SiteAgentCounts, SiteCut, SiteDeviceCounts, SiteTaskCounts } from "./fleet-counts.ts";
import type { DeviceSummary, StoredReading } from "./types.ts";

/**
 * The fleet as the portal and the metrics see it (issue 15): devices filtered, sorted and paged,
 * counted per site, and one device over time.
 */
export interface FleetViewStore {
  /** A page of devices in the order asked for, and how many match. */
  queryDevices(q: DeviceQuery): { devices: DeviceSummary[]; total: number };
  /** Vendors and models of the devices of these sites, most common first. */
  deviceFacets(sites: DeviceQuery["sites"]): { vendors: Facet[]; models: Facet[] };
  /** Per site of `cuts`: devices online, missed, in error or warning, with a low supply, flagged since `flaggedSince` (ms). */
  siteDeviceCounts(cuts: readonly SiteCut[], flaggedSince: number): Map<string, SiteDeviceCounts>;
  /** Per site of `cuts`: active agents, those offline, their outboxes' depth. */
  siteAgentCounts(cuts: readonly SiteCut[]): Map<string, SiteAgentCounts>;
  /** Unfinished tasks per site and state. */
  siteTaskCounts(): Map<string, SiteTaskCounts>;
  /** Readings received at or after `sinceMs`, and every reading held. */
  readingsReceived(sinceMs: number): { since: number; held: number };
  /** The device's newest reading (the one its row shows). */
  latestReading(deviceId: string): StoredReading | undefined;
  /** Addresses the device was read at, with first and last time seen. */
  addressHistory(deviceId: string): AddressSeen[];
  /** A page of the device's readings, newest first, and their number. */
  readingPage(deviceId: string, limit: number, offset: number): { readings: StoredReading[]; total: number };
  /** The counters of each day's last reading in [sinceMs, untilMs), days from midnight at `offsetMs` from UTC. */
  meterDays(deviceId: string, sinceMs: number, untilMs: number, offsetMs: number): MeterDay[];
}
