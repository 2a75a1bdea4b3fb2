/**
 * The site page's forms: each calls its RPC as the signed-in person and
 * shows the page again with what the hub says it did, or with the refusal
 * as the RPC words it. A credential's secrets go from the form to
 * AddSiteCredential and nowhere else: never into the page, a notice or a
 * log (the hub's refusals never echo a secret either). A new activation
 * code is shown once, on the answer to its form.
 */
import { create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { UsageError } from "../../../common/args.ts";
import { SnmpCredentialSchema } from "../../../gen/dca/v1/agent_service_pb.ts";
import type { SiteConfigChange } from "../../../gen/dca/v1/admin_sites_pb.ts";
import { SnmpVersion } from "../../../gen/dca/v1/reading_pb.ts";
import { parseCount, parseDurationMs, parseDurationSeconds } from "../../admin/admin-format.ts";
import { field } from "../page.ts";
import type { PortalCtx } from "../portal-context.ts";
import { attempt } from "./attempt.ts";
import { type SiteShown, renderSite } from "./site.tsx";

/** Runs a change of the site and shows the page with its outcome. */
async function change(c: PortalCtx, run: (site: string) => Promise<SiteShown>): Promise<Response> {
  const r = await attempt(() => run(c.req.param("id") ?? ""));
  return r.ok ? renderSite(c, r.value) : renderSite(c, { error: r.message }, r.status);
}

/** What a config change did, as the hub words it. */
const said = (r: { change?: SiteConfigChange }): SiteShown => ({ ok: `${r.change?.description ?? "changed"}; config version ${r.change?.config?.version ?? "?"}.` });

/** A list typed one per line or comma-separated. */
const listOf = (text: string) => text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);

/** An optional field: undefined when left empty, else parsed (a mistake names the field). */
async function optional<T>(c: PortalCtx, name: string, label: string, parse: (v: string, what: string) => T): Promise<T | undefined> {
  const v = (await field(c, name, 100)).trim();
  return v === "" ? undefined : parse(v, label);
}
const seconds = (v: string, what: string) => parseDurationSeconds(v, what);
const millis = (v: string, what: string) => {
  const n = /^\d+$/.test(v) ? Number(v) : parseDurationMs(v, what);
  if (n > 0xffff_ffff) throw new UsageError(`${what} is too long`);
  return n;
};
const count = (max: number) => (v: string, what: string) => parseCount(v, what, 0, max);

/** POST /sites/:id/targets */
export const postTargets = (c: PortalCtx) =>
  change(c, async (site) => {
    const targets = listOf(await field(c, "targets", 60_000));
    const exclude = listOf(await field(c, "exclude", 60_000));
    return said(await c.get("portal").api.setSiteTargets({ site, targets, exclude, setExclude: true, allowLarge: (await field(c, "allow_large")) === "1" }));
  });

/** POST /sites/:id/credentials: the secrets go to the hub only. */
export const postCredential = (c: PortalCtx) =>
  change(c, async (site) => {
    const version = await field(c, "version", 10);
    const name = (await field(c, "name", 200)).trim();
    const v3 = version === "v3";
    const credential = create(SnmpCredentialSchema, {
      name,
      version: v3 ? SnmpVersion.V3 : version === "v1" ? SnmpVersion.V1 : SnmpVersion.V2C,
      community: v3 ? "" : await field(c, "community", 1000),
      user: v3 ? (await field(c, "user", 200)).trim() : "",
      authProtocol: v3 ? await field(c, "auth_protocol", 20) : "",
      authPassword: v3 ? await field(c, "auth_password", 1000) : "",
      privProtocol: v3 ? await field(c, "priv_protocol", 20) : "",
      privPassword: v3 ? await field(c, "priv_password", 1000) : "",
      context: v3 ? (await field(c, "context", 200)).trim() : "",
    });
    return said(await c.get("portal").api.addSiteCredential({ site, credential }));
  });

/** POST /sites/:id/credentials/remove */
export const postRemoveCredential = (c: PortalCtx) => change(c, async (site) => said(await c.get("portal").api.removeSiteCredential({ site, name: await field(c, "name", 200) })));

/** POST /sites/:id/schedule */
export const postSchedule = (c: PortalCtx) =>
  change(c, async (site) => {
    const req = {
      site,
      discoveryIntervalSeconds: await optional(c, "discovery", "Discovery every", seconds),
      readIntervalSeconds: await optional(c, "read", "Read devices every", seconds),
      pollIntervalSeconds: await optional(c, "poll", "Agents poll every", seconds),
    };
    return said(await c.get("portal").api.setSiteSchedule(req));
  });

/** POST /sites/:id/snmp */
export const postSnmp = (c: PortalCtx) =>
  change(c, async (site) => {
    const req = {
      site,
      port: await optional(c, "port", "Port", count(65535)),
      timeoutMs: await optional(c, "timeout", "Timeout", millis),
      retries: await optional(c, "retries", "Retries", count(10_000)),
      concurrency: await optional(c, "concurrency", "Concurrency", count(100_000)),
      rate: await optional(c, "rate", "Rate", count(1_000_000)),
      readConcurrency: await optional(c, "read_concurrency", "Read concurrency", count(100_000)),
      sweepTimeoutMs: await optional(c, "sweep_timeout", "Sweep timeout", millis),
      readDeadlineMs: await optional(c, "read_deadline", "Read deadline", millis),
    };
    return said(await c.get("portal").api.setSiteSnmp(req));
  });

/** POST /sites/:id/codes: the code is in this answer only. */
export const postCode = (c: PortalCtx) =>
  change(c, async (site) => {
    const ttl = Number(await field(c, "ttl", 12));
    const r = await c.get("portal").api.createActivationCode({ site, ttlSeconds: Number.isSafeInteger(ttl) && ttl > 0 && ttl <= 0xffff_ffff ? ttl : undefined });
    const expiresAt = r.expiresAt ? `${timestampDate(r.expiresAt).toISOString().slice(0, 16).replace("T", " ")} UTC` : "-";
    return { code: { code: r.code, expiresAt } };
  });

/** POST /sites/:id/web-access: on or off, and the ports allowed besides 80, 443 and 8000. */
export const postWebAccessSettings = (c: PortalCtx) =>
  change(c, async (site) => {
    const ports = listOf(await field(c, "ports", 2000)).map((v) => parseCount(v, "Ports", 1, 65535));
    const disabled = (await field(c, "on")) !== "1";
    return said(await c.get("portal").api.setSiteWebAccess({ site, ports, setPorts: true, disabled }));
  });
