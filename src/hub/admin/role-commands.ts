/**
 * `role grant|revoke|list` and `group create|list|add-site|remove-site`:
 * who may do what where, as clients of AdminService.
 */
import { UsageError, flag } from "../../common/args.ts";
import { type AdminCommand, arg, noMoreArgs, printJson, wantsJson } from "./admin-context.ts";
import { formatTable, formatTime, shellQuote } from "./admin-format.ts";
import { type GrantView, grantOf, grantWhere, userOf } from "./people-from-proto.ts";

/** "admin on site Acme" as a sentence part. */
const grantText = (g: GrantView): string => `${g.role} ${g.siteId || g.siteGroupId ? `on ${grantWhere(g)}` : "everywhere"}`;

/** The role commands. */
export const ROLE_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "role grant": {
    usage: "role grant USER ROLE [--site S | --group G]",
    valued: ["site", "group"],
    remote: true,
    async run(ctx, p) {
      const user = arg(p, 0, "USER");
      const role = arg(p, 1, "ROLE (owner, admin, technician, viewer or billing)");
      noMoreArgs(p, 2);
      const site = flag(p, "site") ?? "";
      const siteGroup = flag(p, "group") ?? "";
      if (site && siteGroup) throw new UsageError("give --site or --group, not both");
      const g = grantOf((await ctx.api.grantRole({ user, role, site, siteGroup })).grant!);
      ctx.io.out(`${g.username} is now ${grantText(g)} (grant ${g.id}; take it back with dca-hub role revoke ${g.id})\n`);
      return 0;
    },
  },

  "role revoke": {
    usage: "role revoke GRANT_ID",
    remote: true,
    async run(ctx, p) {
      const grantId = arg(p, 0, "GRANT_ID (see dca-hub role list)");
      noMoreArgs(p, 1);
      const g = grantOf((await ctx.api.revokeRole({ grantId })).grant!);
      const sso = g.source === "sso" ? "; it came from single sign-on and comes back at their next sign-on while the role mapping gives it" : "";
      ctx.io.out(`${g.username} is no longer ${grantText(g)} (grant ${g.id} revoked${sso})\n`);
      return 0;
    },
  },

  "role list": {
    usage: "role list [USER] [--json]",
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      const user = p.positional[0];
      noMoreArgs(p, 1);
      const users = user ? [userOf((await ctx.api.getUser({ user })).user)] : (await ctx.api.listUsers({})).users.map(userOf);
      const grants = users.flatMap((u) => u.grants);
      if (wantsJson(p)) printJson(ctx, grants);
      else if (grants.length === 0) ctx.io.out(`no roles granted${user ? ` to ${user}` : ""} (dca-hub role grant USER ROLE)\n`);
      else {
        ctx.io.out(
          formatTable(
            ["GRANT", "USER", "ROLE", "WHERE", "SOURCE", "GRANTED"],
            grants.map((g) => [g.id, g.username, g.role, grantWhere(g), g.source, formatTime(g.createdAt)]),
          ),
        );
      }
      return 0;
    },
  },
};

/** The site group commands. */
export const GROUP_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "group create": {
    usage: "group create NAME",
    remote: true,
    async run(ctx, p) {
      const name = arg(p, 0, "NAME");
      noMoreArgs(p, 1);
      const g = (await ctx.api.createSiteGroup({ name })).group!;
      ctx.io.out(`site group "${g.name}" created: ${g.id}\nnext: dca-hub group add-site ${shellQuote(g.name)} SITE, then dca-hub role grant USER ROLE --group ${shellQuote(g.name)}\n`);
      return 0;
    },
  },

  "group list": {
    usage: "group list [--json]",
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const groups = (await ctx.api.listSiteGroups({})).groups.map((g) => ({ id: g.id, name: g.name, sites: g.siteIds.map((id, i) => ({ id, name: g.siteNames[i] ?? "" })) }));
      if (wantsJson(p)) printJson(ctx, groups);
      else if (groups.length === 0) ctx.io.out(`no site groups yet (create one with "group create NAME")\n`);
      else ctx.io.out(formatTable(["ID", "NAME", "SITES"], groups.map((g) => [g.id, g.name, g.sites.map((s) => s.name).join(", ") || "-"])));
      return 0;
    },
  },

  "group add-site": memberCommand("add-site", true),
  "group remove-site": memberCommand("remove-site", false),
};

/** `group add-site` or `group remove-site`. */
function memberCommand(verb: string, member: boolean): AdminCommand<unknown> {
  return {
    usage: `group ${verb} GROUP SITE`,
    remote: true,
    async run(ctx, p) {
      const siteGroup = arg(p, 0, "GROUP");
      const site = arg(p, 1, "SITE");
      noMoreArgs(p, 2);
      const g = (await ctx.api.setSiteGroupMember({ siteGroup, site, member })).group!;
      const n = g.siteIds.length;
      ctx.io.out(`site "${site}" ${member ? "added to" : "taken out of"} group "${g.name}" (${n} site${n === 1 ? "" : "s"}: ${g.siteNames.join(", ") || "none"})\n`);
      return 0;
    },
  };
}
