/**
 * GetFleetOverview: every site the caller may see (device.read) at a glance,
 * their totals, and a search across them. Agent counts show only where the
 * caller may also see agents (a billing user sees devices, not agents).
 * The counts are a handful of grouped queries whatever the fleet's size.
 */
import { create } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type { GetFleetOverviewRequest, GetFleetOverviewResponse } from "../../gen/dca/v1/admin_portal_pb.ts";
import { GetFleetOverviewResponseSchema, type SiteOverview, SiteOverviewSchema } from "../../gen/dca/v1/admin_portal_pb.ts";
import type { FleetViewStore, Site, SiteAdminStore, SiteAgentCounts, SiteDeviceCounts } from "../store/index.ts";
import { callerOf } from "./admin-call.ts";
import { searchArg } from "./device-query-args.ts";
import { siteFilter, siteNames } from "./fleet-access.ts";
import { FLAGGED_WINDOW_MS, type SiteThresholds, siteThresholds } from "./fleet-thresholds.ts";
import { deviceToProto } from "./fleet-to-proto.ts";
import { ts } from "./to-proto.ts";

/** The most matching devices an overview search lists (the devices table pages the rest). */
export const MAX_OVERVIEW_MATCHES = 20;

/** What the overview reads of the store. */
export type OverviewStore = Pick<FleetViewStore, "siteDeviceCounts" | "siteAgentCounts" | "queryDevices"> & Pick<SiteAdminStore, "getSite" | "listSites" | "getSiteConfig">;

function row(site: Site, t: SiteThresholds, d: SiteDeviceCounts, a: SiteAgentCounts | undefined): SiteOverview {
  return create(SiteOverviewSchema, {
    siteId: site.id,
    siteName: site.name,
    devices: d.devices,
    devicesOnline: d.online,
    devicesMissed: d.missed,
    devicesError: d.error,
    devicesWarning: d.warning,
    suppliesLow: d.suppliesLow,
    devicesFlagged: d.flagged,
    agents: a?.agents,
    agentsOffline: a?.offline,
    outboxDepth: a === undefined ? undefined : BigInt(a.outboxDepth),
    lastReadAt: ts(d.lastReadAt),
    missedAfterSeconds: Math.round(t.missedAfterMs / 1000),
    offlineAfterSeconds: Math.round(t.offlineAfterMs / 1000),
  });
}

/** Every row added up; agent fields only when every row has them. */
function totalsOf(rows: SiteOverview[]): SiteOverview {
  const sum = (f: (r: SiteOverview) => number) => rows.reduce((n, r) => n + f(r), 0);
  const agents = rows.length > 0 && rows.every((r) => r.agents !== undefined);
  const newest = rows.map((r) => r.lastReadAt).filter((t) => t !== undefined).sort((x, y) => Number(y.seconds - x.seconds) || y.nanos - x.nanos)[0];
  return create(SiteOverviewSchema, {
    devices: sum((r) => r.devices),
    devicesOnline: sum((r) => r.devicesOnline),
    devicesMissed: sum((r) => r.devicesMissed),
    devicesError: sum((r) => r.devicesError),
    devicesWarning: sum((r) => r.devicesWarning),
    suppliesLow: sum((r) => r.suppliesLow),
    devicesFlagged: sum((r) => r.devicesFlagged),
    agents: agents ? sum((r) => r.agents ?? 0) : undefined,
    agentsOffline: agents ? sum((r) => r.agentsOffline ?? 0) : undefined,
    outboxDepth: agents ? rows.reduce((n, r) => n + (r.outboxDepth ?? 0n), 0n) : undefined,
    lastReadAt: newest,
  });
}

/** The overview of the caller's sites (or the one the request names), at `nowMs`. */
export function fleetOverview(ctx: HandlerContext, store: OverviewStore, req: GetFleetOverviewRequest, nowMs: number): GetFleetOverviewResponse {
  const caller = callerOf(ctx);
  const only = siteFilter(ctx, store, "device.read", req.site);
  const search = searchArg(req.search);
  const sites = store.listSites().filter((s) => (only ? s.id === only.id : caller.can("device.read", s.id)));
  const cuts = sites.map((s) => siteThresholds(s.id, store.getSiteConfig(s.id), nowMs));
  const devices = store.siteDeviceCounts(cuts, nowMs - FLAGGED_WINDOW_MS);
  const agents = store.siteAgentCounts(cuts.filter((c) => caller.can("agent.read", c.siteId)));
  const rows = sites.map((s, i) => row(s, cuts[i]!, devices.get(s.id)!, agents.get(s.id)));
  const out = create(GetFleetOverviewResponseSchema, { sites: rows, totals: totalsOf(rows) });
  if (search) {
    const needle = search.toLowerCase();
    out.matchingSites = rows.filter((r) => r.siteName.toLowerCase().includes(needle));
    const found = store.queryDevices({ sites: sites.map((s) => s.id), search, limit: MAX_OVERVIEW_MATCHES });
    const names = siteNames(store);
    out.matchingDevices = found.devices.map((d) => deviceToProto(d, names));
    out.matchingDevicesTotal = found.total;
  }
  return out;
}
