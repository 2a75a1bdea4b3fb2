/**
 * AdminService's fleet views (issue 15): the overview of the caller's sites,
 * one device in full, its daily meters, and the hub's Prometheus metrics.
 * The portal's pages and /metrics call these in-process as the signed-in
 * user (or the token): the door's rules (method-rules.ts) decide who may;
 * the handlers only check the row's own site, as the other fleet methods do.
 */
import type { ServiceImpl } from "@connectrpc/connect";
import type { Clock } from "../../common/clock.ts";
import { VERSION } from "../../common/version.ts";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { hubMetricFamilies } from "../metrics/hub-metrics.ts";
import { PROMETHEUS_CONTENT_TYPE, prometheusText } from "../metrics/prometheus-text.ts";
import type { DeviceAdminStore, FleetViewStore, SiteAdminStore } from "../store/index.ts";
import { note } from "./admin-call.ts";
import { type DeviceDetailStore, deviceDetail } from "./device-detail.ts";
import { idArg, rowFor } from "./fleet-access.ts";
import { type OverviewStore, fleetOverview } from "./fleet-overview.ts";
import { FLAGGED_WINDOW_MS, siteThresholds } from "./fleet-thresholds.ts";
import { meterSeries, seriesPeriod } from "./meter-series.ts";

type FleetViewMethods = "getFleetOverview" | "getDevice" | "getMeterSeries" | "getMetrics";

/** What the fleet views read of the store. */
export type FleetViewHandlerStore = FleetViewStore & OverviewStore & DeviceDetailStore & Pick<DeviceAdminStore, "getDevice"> & Pick<SiteAdminStore, "listSites" | "getSiteConfig">;

/** The store and the clock of the fleet views. */
export interface FleetViewDeps {
  store: FleetViewHandlerStore;
  /** Wall time (the store's clock). */
  clock: Pick<Clock, "now">;
  /** When the hub started (ms), for its uptime; the handlers' creation by default. */
  startedAtMs?: number;
}

/** The fleet view methods over the store. */
export function createFleetViewHandlers(deps: FleetViewDeps): Pick<ServiceImpl<typeof AdminService>, FleetViewMethods> {
  const { store, clock } = deps;
  const startedAtMs = deps.startedAtMs ?? clock.now();
  return {
    getFleetOverview(req, ctx) {
      return fleetOverview(ctx, store, req, clock.now());
    },
    getDevice(req, ctx) {
      const id = idArg(req.device, "device");
      return deviceDetail(store, rowFor(ctx, "device.read", "device", id, store.getDevice(id)), req);
    },
    getMeterSeries(req, ctx) {
      const id = idArg(req.device, "device");
      rowFor(ctx, "meter.read", "device", id, store.getDevice(id));
      const period = seriesPeriod(req, clock.now());
      const series = meterSeries(store, id, period);
      note(ctx, { detail: { since: new Date(period.since).toISOString(), until: new Date(period.until).toISOString(), days: series.points.length } });
      return series;
    },
    getMetrics() {
      const now = clock.now();
      const sites = store.listSites();
      const cuts = sites.map((s) => siteThresholds(s.id, store.getSiteConfig(s.id), now));
      const devices = store.siteDeviceCounts(cuts, now - FLAGGED_WINDOW_MS);
      const agents = store.siteAgentCounts(cuts);
      const tasks = store.siteTaskCounts();
      const readings = store.readingsReceived(now - 60_000);
      const text = prometheusText(
        hubMetricFamilies({
          version: VERSION,
          uptimeSeconds: Math.max(0, now - startedAtMs) / 1000,
          readingsHeld: readings.held,
          readingsLastMinute: readings.since,
          sites: sites.map((s) => {
            const d = devices.get(s.id)!;
            const a = agents.get(s.id) ?? { agents: 0, offline: 0, outboxDepth: 0 };
            const t = tasks.get(s.id) ?? { pending: 0, sent: 0, running: 0 };
            return {
              siteId: s.id,
              siteName: s.name,
              devices: d.devices,
              devicesMissed: d.missed,
              devicesError: d.error,
              suppliesLow: d.suppliesLow,
              agents: a.agents,
              agentsConnected: a.agents - a.offline,
              outboxDepth: a.outboxDepth,
              tasksPending: t.pending,
              tasksSent: t.sent,
              tasksRunning: t.running,
            };
          }),
        }),
      );
      return { text, contentType: PROMETHEUS_CONTENT_TYPE };
    },
  };
}
