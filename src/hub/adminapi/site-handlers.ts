/** AdminService: sites and their agent config (the `site` commands). */
import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { type AgentConfig, OutboxLimitsSchema, SnmpSettingsSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { type SiteConfigChange, SiteConfigChangeSchema, type SiteSummary, SiteSummarySchema } from "../../gen/dca/v1/admin_sites_pb.ts";
import { credentialInput, redactAgentConfig } from "../../common/config/index.ts";
import { DcaError } from "../../common/errors.ts";
import { DEFAULT_WEB_ACCESS_PORTS } from "../../common/web-access.ts";
import type { AdminStore, FleetViewStore, Site } from "../store/index.ts";
import { StoreError } from "../store/index.ts";
import { ADMIN_LABELS, credentialFromArgs } from "../admin/credential-args.ts";
import { describeSnmpCredential } from "../admin/redact-config.ts";
import { formatSeconds } from "../admin/admin-format.ts";
import { largeTargets } from "./large-targets.ts";
import { callerOf, note, siteFor } from "./admin-call.ts";
import { siteToProto, updatePolicyToProto } from "./to-proto.ts";
import { updatePolicyChange } from "./update-policy-change.ts";

type SiteMethods =
  | "createSite"
  | "listSites"
  | "getSite"
  | "setSiteTargets"
  | "addSiteCredential"
  | "removeSiteCredential"
  | "setSiteSchedule"
  | "setSiteSnmp"
  | "setSiteOutbox"
  | "setSiteUpdates"
  | "setSiteWebAccess";

/** The site methods over the store. */
export function createSiteHandlers(store: AdminStore & Pick<FleetViewStore, "queryDevices">): Pick<ServiceImpl<typeof AdminService>, SiteMethods> {
  const summary = (site: Site): SiteSummary =>
    create(SiteSummarySchema, {
      site: siteToProto(site),
      configVersion: store.getSiteConfig(site.id).version,
      agents: store.listAgents(site.id).filter((a) => !a.replacedBy).length,
      // A count, not a listing: listing a site's devices counts each one's readings (0.7-1.3 s at 10,000 devices).
      devices: store.queryDevices({ sites: [site.id], sort: "vendor", limit: 0 }).total,
      updates: updatePolicyToProto(store.getUpdatePolicy(site.id)),
    });
  /** One config change in one transaction: the new version, redacted, and what changed in words. */
  const change = (ctx: HandlerContext, siteName: string, what: (c: AgentConfig) => string): SiteConfigChange => {
    const site = siteFor(ctx, store, "site.write", siteName);
    let said = "";
    const c = store.updateSiteConfig(site.id, (c) => void (said = what(c)), { labels: ADMIN_LABELS });
    note(ctx, { detail: { change: said, configVersion: c.version.toString() } });
    return create(SiteConfigChangeSchema, { site: siteToProto(site), config: redactAgentConfig(c), description: said });
  };
  const someOf = (values: unknown[], flags: string) => {
    if (values.every((v) => v === undefined)) throw new DcaError("usage", `give at least one of ${flags}`);
  };
  return {
    createSite(req, ctx) {
      callerOf(ctx);
      const site = store.createSite(req.name);
      note(ctx, { siteId: site.id, target: `site ${site.name}` });
      return { site: siteToProto(site) };
    },
    listSites(_req, ctx) {
      const allowed = callerOf(ctx).sitesWith("site.read");
      const sites = store.listSites().filter((s) => allowed === "all" || allowed.has(s.id));
      return { sites: sites.map(summary) };
    },
    getSite(req, ctx) {
      const site = siteFor(ctx, store, "site.read", req.site);
      return { summary: summary(site), config: redactAgentConfig(store.getSiteConfig(site.id)) };
    },
    setSiteTargets(req, ctx) {
      if (req.targets.length === 0) throw new DcaError("usage", "missing TARGET (an address, CIDR block, range or host name)");
      return {
        change: change(ctx, req.site, (c) => {
          c.targets = [...req.targets];
          if (req.setExclude) c.exclude = [...req.exclude];
          const large = largeTargets(c, req.allowLarge);
          return `targets ${c.targets.join(" ")}${c.exclude.length ? `, excluding ${c.exclude.join(" ")}` : ""}${large}`;
        }),
      };
    },
    addSiteCredential(req, ctx) {
      if (!req.credential) throw new DcaError("usage", "missing the credential");
      const input = credentialInput(req.credential) as unknown as Record<string, unknown>;
      return {
        change: change(ctx, req.site, (c) => {
          const cred = credentialFromArgs(input, c.credentials.length);
          if (c.credentials.some((x) => x.name === cred.name)) throw new StoreError("already-exists", `credential "${cred.name}" already exists (remove it first)`);
          c.credentials.push(cred);
          return `credential ${describeSnmpCredential(cred)} added as number ${c.credentials.length} (credentials are tried in order)`;
        }),
      };
    },
    removeSiteCredential(req, ctx) {
      return {
        change: change(ctx, req.site, (c) => {
          const i = c.credentials.findIndex((x) => x.name === req.name);
          if (i < 0) throw new StoreError("not-found", `no credential "${req.name}"; see "dca-hub site show"`);
          c.credentials.splice(i, 1);
          return `credential "${req.name}" removed`;
        }),
      };
    },
    setSiteSchedule(req, ctx) {
      someOf([req.discoveryIntervalSeconds, req.readIntervalSeconds, req.pollIntervalSeconds], "--discovery, --read, --poll");
      return {
        change: change(ctx, req.site, (c) => {
          if (req.discoveryIntervalSeconds !== undefined) c.discoveryIntervalSeconds = req.discoveryIntervalSeconds;
          if (req.readIntervalSeconds !== undefined) c.readIntervalSeconds = req.readIntervalSeconds;
          if (req.pollIntervalSeconds !== undefined) c.pollIntervalSeconds = req.pollIntervalSeconds;
          return `discovery ${formatSeconds(c.discoveryIntervalSeconds)}, read ${formatSeconds(c.readIntervalSeconds)}, poll ${formatSeconds(c.pollIntervalSeconds)}`;
        }),
      };
    },
    setSiteSnmp(req, ctx) {
      const set = {
        port: req.port,
        timeoutMs: req.timeoutMs,
        retries: req.retries,
        concurrency: req.concurrency,
        rate: req.rate,
        readConcurrency: req.readConcurrency,
        sweepTimeoutMs: req.sweepTimeoutMs,
        readDeadlineMs: req.readDeadlineMs,
      };
      someOf(Object.values(set), "--port, --timeout, --retries, --concurrency, --rate, --read-concurrency, --sweep-timeout, --read-deadline");
      return {
        change: change(ctx, req.site, (c) => {
          c.snmp ??= create(SnmpSettingsSchema);
          for (const [k, v] of Object.entries(set)) if (v !== undefined) c.snmp[k as keyof typeof set] = v;
          const s = c.snmp;
          return `snmp port ${s.port || "default"}, timeout ${s.timeoutMs ? `${s.timeoutMs}ms` : "default"}, retries ${s.retries || "default"}`;
        }),
      };
    },
    setSiteOutbox(req, ctx) {
      someOf([req.maxReadings, req.maxBytes, req.maxAgeSeconds], "--max-readings, --max-bytes, --max-age");
      return {
        change: change(ctx, req.site, (c) => {
          c.outbox ??= create(OutboxLimitsSchema);
          if (req.maxReadings !== undefined) c.outbox.maxReadings = req.maxReadings;
          if (req.maxBytes !== undefined) c.outbox.maxBytes = req.maxBytes;
          if (req.maxAgeSeconds !== undefined) c.outbox.maxAgeSeconds = req.maxAgeSeconds;
          const o = c.outbox;
          return `outbox max readings ${o.maxReadings || "default"}, max bytes ${o.maxBytes || "default"}, max age ${formatSeconds(o.maxAgeSeconds)}`;
        }),
      };
    },
    setSiteUpdates(req, ctx) {
      const site = siteFor(ctx, store, "site.write", req.site);
      const policy = store.setUpdatePolicy(site.id, updatePolicyChange(req));
      note(ctx, { detail: { updates: policy } });
      return { site: siteToProto(site), updates: updatePolicyToProto(policy) };
    },
    setSiteWebAccess(req, ctx) {
      if (!req.setPorts && req.disabled === undefined) throw new DcaError("usage", "give one of --ports P,..., --off or --on");
      const ports = [...new Set(req.ports)].filter((n) => !DEFAULT_WEB_ACCESS_PORTS.includes(n));
      if (ports.some((n) => n < 1 || n > 65535)) throw new DcaError("usage", "--ports takes ports 1-65535");
      if (ports.length > 16) throw new DcaError("usage", `--ports takes at most 16 ports besides ${DEFAULT_WEB_ACCESS_PORTS.join(", ")}`);
      return {
        change: change(ctx, req.site, (c) => {
          if (req.setPorts) c.webAccessPorts = ports;
          if (req.disabled !== undefined) c.webAccessDisabled = req.disabled;
          return `web access ${c.webAccessDisabled ? "off (agents refuse web-access tasks)" : `on, ports ${[...DEFAULT_WEB_ACCESS_PORTS, ...c.webAccessPorts].join(", ")}`}`;
        }),
      };
    },
  };
}
