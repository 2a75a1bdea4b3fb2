/** `site create`, `site list`, `site show`. */
import { AgentConfigSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import type { AgentAdminStore, DeviceAdminStore, ReleaseStore, SiteAdminStore } from "../store/index.ts";
import { type AdminCommand, arg, noMoreArgs, printJson, siteArg, wantsJson } from "./admin-context.ts";
import { formatTable, formatTime, shellQuote } from "./admin-format.ts";
import { describeConfig, redactConfig } from "./redact-config.ts";
import { messageToJson } from "../../common/message-json.ts";
import { describeUpdates } from "./update-commands.ts";

/** What the site commands read: sites and configs, and each site's agents and devices. */
type SiteCommandStore = SiteAdminStore & Pick<AgentAdminStore, "listAgents"> & Pick<DeviceAdminStore, "listDevices"> & Pick<ReleaseStore, "getUpdatePolicy">;

/** The site commands that do not change a config. */
export const SITE_COMMANDS: Record<string, AdminCommand<SiteCommandStore>> = {
  "site create": {
    usage: "site create NAME [--json]",
    booleans: ["json"],
    run(ctx, p) {
      const name = arg(p, 0, "NAME");
      noMoreArgs(p, 1);
      const site = ctx.store.createSite(name);
      if (wantsJson(p)) printJson(ctx, site);
      else {
        const q = shellQuote(site.name);
        ctx.io.out(`site "${site.name}" created: ${site.id}\nnext: dca-hub site set-targets ${q} TARGET..., dca-hub site add-credential ${q} ..., then dca-hub code create ${q}\n`);
      }
      return 0;
    },
  },

  "site list": {
    usage: "site list [--json]",
    booleans: ["json"],
    run(ctx, p) {
      noMoreArgs(p, 0);
      const sites = ctx.store.listSites().map((s) => ({
        ...s,
        configVersion: Number(ctx.store.getSiteConfig(s.id).version),
        agents: ctx.store.listAgents(s.id).filter((a) => !a.replacedBy).length,
        devices: ctx.store.listDevices({ siteId: s.id }).length,
        updates: ctx.store.getUpdatePolicy(s.id),
      }));
      if (wantsJson(p)) printJson(ctx, sites);
      else if (sites.length === 0) ctx.io.out(`no sites yet (create one with "site create NAME")\n`);
      else {
        ctx.io.out(
          formatTable(
            ["ID", "NAME", "CONFIG", "AGENTS", "DEVICES", "CREATED", "UPDATES"],
            sites.map((s) => [s.id, s.name, `v${s.configVersion}`, s.agents, s.devices, formatTime(s.createdAt), describeUpdates(s.updates)]),
          ),
        );
      }
      return 0;
    },
  },

  "site show": {
    usage: "site show SITE [--json]",
    booleans: ["json"],
    run(ctx, p) {
      const site = siteArg(ctx, arg(p, 0, "SITE"));
      noMoreArgs(p, 1);
      const config = redactConfig(ctx.store.getSiteConfig(site.id));
      const agents = ctx.store.listAgents(site.id).filter((a) => !a.replacedBy);
      const devices = ctx.store.listDevices({ siteId: site.id });
      const updates = ctx.store.getUpdatePolicy(site.id);
      if (wantsJson(p)) {
        printJson(ctx, { site, config: messageToJson(AgentConfigSchema, config), agents: agents.length, devices: devices.length, updates });
      } else {
        ctx.io.out(
          `Site       ${site.name} (${site.id})\nCreated    ${formatTime(site.createdAt)}\n` +
            `Agents     ${agents.length}\nDevices    ${devices.length}\nUpdates    ${describeUpdates(updates)}\n${describeConfig(config)}`,
        );
      }
      return 0;
    },
  },
};
