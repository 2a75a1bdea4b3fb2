/** `site create`, `site list`, `site show`: clients of AdminService. */
import { AgentConfigSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { type AdminCommand, arg, noMoreArgs, printJson, wantsJson } from "./admin-context.ts";
import { formatTable, formatTime, shellQuote } from "./admin-format.ts";
import { describeConfig } from "./redact-config.ts";
import { messageToJson } from "../../common/message-json.ts";
import { describeUpdates } from "./update-commands.ts";
import { siteOf, updatePolicyOf } from "./from-proto.ts";

/** The site commands that do not change a config. */
export const SITE_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "site create": {
    usage: "site create NAME [--json]",
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      const name = arg(p, 0, "NAME");
      noMoreArgs(p, 1);
      const site = siteOf((await ctx.api.createSite({ name })).site);
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
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const sites = (await ctx.api.listSites({})).sites.map((s) => ({
        ...siteOf(s.site),
        configVersion: Number(s.configVersion),
        agents: s.agents,
        devices: s.devices,
        updates: updatePolicyOf(s.updates),
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
    remote: true,
    async run(ctx, p) {
      const name = arg(p, 0, "SITE");
      noMoreArgs(p, 1);
      const { summary, config } = await ctx.api.getSite({ site: name });
      const site = siteOf(summary?.site);
      const updates = updatePolicyOf(summary?.updates);
      const [agents, devices] = [summary?.agents ?? 0, summary?.devices ?? 0];
      if (wantsJson(p)) {
        printJson(ctx, { site, config: messageToJson(AgentConfigSchema, config!), agents, devices, updates });
      } else {
        ctx.io.out(
          `Site       ${site.name} (${site.id})\nCreated    ${formatTime(site.createdAt)}\n` +
            `Agents     ${agents}\nDevices    ${devices}\nUpdates    ${describeUpdates(updates)}\n${describeConfig(config!)}`,
        );
      }
      return 0;
    },
  },
};
