/**
 * `overview`: the fleet at a glance (GetFleetOverview), one line per site
 * the caller may see and a total; `--search` also lists the sites and
 * devices matching a text across them.
 */
import { flag } from "../../common/args.ts";
import { GetFleetOverviewResponseSchema, type SiteOverview } from "../../gen/dca/v1/admin_portal_pb.ts";
import { messageToJson } from "../../common/message-json.ts";
import { type AdminCommand, noMoreArgs, printJson, wantsJson } from "./admin-context.ts";
import { formatAgo, formatSeconds, formatTable } from "./admin-format.ts";
import { dateOf } from "./from-proto.ts";

const HEADER = ["SITE", "DEVICES", "ONLINE", "MISSED", "ERROR", "WARNING", "SUPPLY LOW", "FLAGGED", "AGENTS", "OFFLINE", "OUTBOX", "LAST READ"];

function cells(r: SiteOverview, name: string, now: Date): string[] {
  const agent = (v: number | bigint | undefined) => (v === undefined ? "-" : String(v));
  return [
    name,
    String(r.devices),
    String(r.devicesOnline),
    String(r.devicesMissed),
    String(r.devicesError),
    String(r.devicesWarning),
    String(r.suppliesLow),
    String(r.devicesFlagged),
    agent(r.agents),
    agent(r.agentsOffline),
    agent(r.outboxDepth),
    formatAgo(dateOf(r.lastReadAt), now),
  ];
}

/** The command. */
export const OVERVIEW_COMMANDS: Record<string, AdminCommand<unknown>> = {
  overview: {
    usage: "overview [--site S] [--search TEXT] [--json]",
    valued: ["site", "search"],
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const o = await ctx.api.getFleetOverview({ site: flag(p, "site") ?? "", search: flag(p, "search") ?? "" });
      if (wantsJson(p)) return (printJson(ctx, messageToJson(GetFleetOverviewResponseSchema, o)), 0);
      const now = ctx.now();
      if (o.sites.length === 0) ctx.io.out("no sites yet\n");
      else {
        const rows = o.sites.map((r) => cells(r, r.siteName, now));
        if (o.sites.length > 1 && o.totals) rows.push(cells(o.totals, "(all)", now));
        ctx.io.out(formatTable(HEADER, rows));
        const first = o.sites[0]!;
        const same = o.sites.every((r) => r.missedAfterSeconds === first.missedAfterSeconds && r.offlineAfterSeconds === first.offlineAfterSeconds);
        ctx.io.out(
          same
            ? `missed: not read for ${formatSeconds(first.missedAfterSeconds)}; offline: no poll for ${formatSeconds(first.offlineAfterSeconds)}; supply low: at or below 10 %, or low/empty\n`
            : "missed: not read for max(24h, 2 read intervals); offline: no poll for max(15m, 3 poll intervals); supply low: at or below 10 %, or low/empty\n",
        );
      }
      const search = flag(p, "search");
      if (search) {
        ctx.io.out(`\nsites matching "${search}": ${o.matchingSites.map((s) => s.siteName).join(", ") || "none"}\n`);
        ctx.io.out(`devices matching "${search}": ${o.matchingDevicesTotal}${o.matchingDevicesTotal > o.matchingDevices.length ? ` (the first ${o.matchingDevices.length}; see "dca-hub device list --search")` : ""}\n`);
        if (o.matchingDevices.length) {
          ctx.io.out(formatTable(["ID", "SITE", "VENDOR", "MODEL", "SERIAL", "ADDRESS", "STATUS"], o.matchingDevices.map((d) => [d.id, d.siteName, d.vendor, d.model, d.serialNumber, d.address, d.status])));
        }
      }
      return 0;
    },
  },
};
