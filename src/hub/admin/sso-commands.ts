/**
 * `sso show|set-oidc|set-ldap|map|unmap|off`: single sign-on through an
 * OpenID Connect provider or an LDAP/AD directory, and which of its groups
 * get which role. The hub checks every document (src/hub/sso); secrets come
 * from files or the environment and show as <secret>. Left out, a secret
 * stays as the hub has it.
 */
import { isAbsolute } from "node:path";
import { type ParsedArgs, UsageError, flag } from "../../common/args.ts";
import { DcaError } from "../../common/errors.ts";
import { SECRET_MARK } from "../../common/secret.ts";
import { type AdminCommand, type AdminContext, arg, noMoreArgs, printJson, wantsJson } from "./admin-context.ts";
import { formatTable } from "./admin-format.ts";
import { optionalSecret } from "./secret-input.ts";

/** One line of the role mapping as the hub keeps it. */
interface MappingEntry {
  group: string;
  role: string;
  site?: string;
  siteGroup?: string;
}

const parsed = (json: string): Record<string, unknown> | undefined => (json ? (JSON.parse(json) as Record<string, unknown>) : undefined);

/** The hub's SSO settings, parsed. */
async function ssoSettings(ctx: AdminContext<unknown>) {
  const r = await ctx.api.getSsoConfig({});
  return { oidc: parsed(r.oidcJson), ldap: parsed(r.ldapJson), roleMapping: (r.roleMappingJson ? JSON.parse(r.roleMappingJson) : []) as MappingEntry[] };
}

/** A required option. */
function required(p: ParsedArgs, option: string): string {
  const v = flag(p, option);
  if (!v) throw new UsageError(`--${option} is required`);
  return v;
}

/** The identity provider's CA: a PEM file the hub reads, so a path on the hub's machine. */
function caFile(p: ParsedArgs): { caFile?: string } {
  const ca = flag(p, "idp-ca");
  if (ca === undefined) return {};
  if (!isAbsolute(ca)) throw new UsageError("--idp-ca must be an absolute path of a PEM file on the hub's machine (the hub reads it at each sign-in)");
  return { caFile: ca };
}

/** The optional string options given, under their config names. */
function optional(p: ParsedArgs, names: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(names).flatMap(([option, key]) => (flag(p, option) === undefined ? [] : [[key, flag(p, option)!]])));
}

const whereText = (e: MappingEntry): string => (e.site ? `site ${e.site}` : e.siteGroup ? `group ${e.siteGroup}` : "everywhere");

/** The SSO commands. */
export const SSO_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "sso show": {
    usage: "sso show [--json]",
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const s = await ssoSettings(ctx);
      if (wantsJson(p)) return (printJson(ctx, { oidc: s.oidc ?? null, ldap: s.ldap ?? null, roleMapping: s.roleMapping }), 0);
      const o = s.oidc;
      const l = s.ldap;
      let text = `OIDC          ${o ? `issuer ${o.issuer}, client ${o.clientId}, secret ${SECRET_MARK}, groups claim ${o.groupsClaim}${o.caFile ? `, CA ${o.caFile}` : ""}` : "off"}\n`;
      text += `LDAP          ${l ? `${l.url}${l.startTls ? " (StartTLS)" : ""}, bind ${l.bindDn}, users under ${l.userBase}${l.groupBase ? `, groups under ${l.groupBase}` : ""}${l.caFile ? `, CA ${l.caFile}` : ""}` : "off"}\n`;
      text += s.roleMapping.length
        ? `Role mapping\n${formatTable(["GROUP", "ROLE", "WHERE"], s.roleMapping.map((e) => [e.group, e.role, whereText(e)])).replace(/^(?=.)/gm, "  ")}`
        : "Role mapping  none: single sign-on gives nobody a role yet (dca-hub sso map GROUP ROLE)\n";
      ctx.io.out(text);
      return 0;
    },
  },

  "sso set-oidc": {
    usage: "sso set-oidc --issuer URL --client-id ID [--client-secret-file F] [--groups-claim C] [--username-claim C] [--scopes S] [--idp-ca FILE]",
    valued: ["issuer", "client-id", "client-secret-file", "groups-claim", "username-claim", "scopes", "idp-ca"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const secret = optionalSecret(ctx, p, "client-secret-file", "DCA_HUB_OIDC_CLIENT_SECRET");
      const doc = {
        issuer: required(p, "issuer"),
        clientId: required(p, "client-id"),
        clientSecret: secret ?? SECRET_MARK,
        ...optional(p, { "groups-claim": "groupsClaim", "username-claim": "usernameClaim", scopes: "scopes" }),
        ...caFile(p),
      };
      await ctx.api.setSsoConfig({ oidcJson: JSON.stringify(doc) });
      ctx.io.out(`OIDC sign-in set: issuer ${doc.issuer}, client ${doc.clientId}, client secret ${secret === undefined ? "kept" : "set"}\n`);
      return 0;
    },
  },

  "sso set-ldap": {
    usage: "sso set-ldap --url ldaps://HOST --bind-dn DN [--bind-password-file F] --user-base DN [--user-filter F] [--group-base DN] [--group-filter F] [--start-tls] [--idp-ca FILE]",
    valued: ["url", "bind-dn", "bind-password-file", "user-base", "user-filter", "group-base", "group-filter", "idp-ca"],
    booleans: ["start-tls"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const secret = optionalSecret(ctx, p, "bind-password-file", "DCA_HUB_LDAP_BIND_PASSWORD");
      const doc = {
        url: required(p, "url"),
        startTls: p.flags.has("start-tls"),
        bindDn: required(p, "bind-dn"),
        bindPassword: secret ?? SECRET_MARK,
        userBase: required(p, "user-base"),
        ...optional(p, { "user-filter": "userFilter", "group-base": "groupBase", "group-filter": "groupFilter" }),
        ...caFile(p),
      };
      await ctx.api.setSsoConfig({ ldapJson: JSON.stringify(doc) });
      ctx.io.out(`LDAP sign-in set: ${doc.url}${doc.startTls ? " with StartTLS" : ""}, bind ${doc.bindDn}, bind password ${secret === undefined ? "kept" : "set"}\n`);
      return 0;
    },
  },

  "sso map": {
    usage: "sso map GROUP ROLE [--site S | --group G]",
    valued: ["site", "group"],
    remote: true,
    async run(ctx, p) {
      const group = arg(p, 0, "GROUP (a group name or DN the identity provider sends)");
      const role = arg(p, 1, "ROLE (owner, admin, technician, viewer or billing)");
      noMoreArgs(p, 2);
      const site = flag(p, "site");
      const siteGroup = flag(p, "group");
      if (site && siteGroup) throw new UsageError("give --site or --group, not both");
      const entry: MappingEntry = { group, role, ...(site && { site }), ...(siteGroup && { siteGroup }) };
      const same = (e: MappingEntry) => e.group.toLowerCase() === group.toLowerCase() && e.site === entry.site && e.siteGroup === entry.siteGroup;
      const mapping = (await ssoSettings(ctx)).roleMapping.filter((e) => !same(e));
      mapping.push(entry);
      await ctx.api.setSsoConfig({ roleMappingJson: JSON.stringify(mapping) });
      ctx.io.out(`members of "${group}" get ${role} ${site || siteGroup ? `on ${whereText(entry)}` : "everywhere"} at their next single sign-on (${mapping.length} mapping line${mapping.length === 1 ? "" : "s"})\n`);
      return 0;
    },
  },

  "sso unmap": {
    usage: "sso unmap GROUP",
    remote: true,
    async run(ctx, p) {
      const group = arg(p, 0, "GROUP");
      noMoreArgs(p, 1);
      const before = (await ssoSettings(ctx)).roleMapping;
      const after = before.filter((e) => e.group.toLowerCase() !== group.toLowerCase());
      if (after.length === before.length) throw new DcaError("not-found", `no role mapping for group "${group}"; see dca-hub sso show`);
      await ctx.api.setSsoConfig({ roleMappingJson: after.length ? JSON.stringify(after) : "-" });
      ctx.io.out(`group "${group}" unmapped (${before.length - after.length} line${before.length - after.length === 1 ? "" : "s"}); its members lose those roles at their next single sign-on\n`);
      return 0;
    },
  },

  "sso off": {
    usage: "sso off oidc|ldap",
    remote: true,
    async run(ctx, p) {
      const which = arg(p, 0, "oidc or ldap");
      noMoreArgs(p, 1);
      if (which !== "oidc" && which !== "ldap") throw new UsageError(`sso off takes oidc or ldap, got "${which}"`);
      await ctx.api.setSsoConfig(which === "oidc" ? { oidcJson: "-" } : { ldapJson: "-" });
      ctx.io.out(`${which.toUpperCase()} sign-in off (its settings are removed; sessions already open run until they end)\n`);
      return 0;
    },
  },
};
