/**
 * Sites and their agent config. The config is the AgentConfig proto stored
 * as binary; its version lives in a column and increases on every change,
 * so an agent that polls with an older version gets the new config.
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type AgentConfig, AgentConfigSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { type FieldLabels, agentConfigRefusals } from "../../common/config/index.ts";
import { newId } from "./ids.ts";
import { type StoreContext } from "./store-context.ts";
import { StoreError } from "./store-error.ts";
import type { Site } from "./types.ts";

/** Longest site name. */
export const MAX_SITE_NAME = 100;

interface SiteRow {
  id: string;
  name: string;
  created_at: number;
}

const toSite = (r: SiteRow): Site => ({ id: r.id, name: r.name, createdAt: new Date(r.created_at) });

/** The site methods of the store. */
export function createSites(ctx: StoreContext) {
  const { db } = ctx;

  function getSite(idOrName: string): Site | undefined {
    return ctx.read(() => {
      const r = db
        .query<SiteRow, [string, string]>("SELECT id, name, created_at FROM sites WHERE id = ? OR name = ? LIMIT 1")
        .get(idOrName, idOrName.trim());
      return r ? toSite(r) : undefined;
    });
  }

  /** The site, or a "not-found" StoreError naming what was asked for. */
  function requireSite(idOrName: string): Site {
    const s = getSite(idOrName);
    if (!s) throw new StoreError("not-found", `unknown site "${idOrName}"`);
    return s;
  }

  return {
    getSite,
    requireSite,

    createSite(name: string): Site {
      const clean = name.trim();
      if (clean.length < 1 || clean.length > MAX_SITE_NAME) {
        throw new StoreError("invalid-argument", `a site name must have 1 to ${MAX_SITE_NAME} characters`);
      }
      if (/[\u0000-\u001f\u007f]/.test(clean)) throw new StoreError("invalid-argument", "a site name must not contain control characters");
      // Names and ids share one lookup (getSite), so a name must not look like an id.
      if (clean.startsWith("site_")) throw new StoreError("invalid-argument", `a site name must not start with "site_"`);
      return ctx.write(() => {
        if (db.query("SELECT 1 FROM sites WHERE name = ?").get(clean)) {
          throw new StoreError("already-exists", `a site named "${clean}" already exists`);
        }
        const site: Site = { id: newId("site"), name: clean, createdAt: ctx.now() };
        const config = create(AgentConfigSchema, { version: 1n });
        db.run("INSERT INTO sites (id, name, created_at, config, config_version) VALUES (?, ?, ?, ?, 1)", [
          site.id,
          site.name,
          site.createdAt.getTime(),
          toBinary(AgentConfigSchema, config),
        ]);
        return site;
      });
    },

    /** Every site's config version, in one query (the wake-up notifier watches them). */
    siteConfigVersions(): Map<string, bigint> {
      return ctx.read(
        () => new Map(db.query<{ id: string; v: number }, []>("SELECT id, config_version AS v FROM sites").all().map((r) => [r.id, BigInt(r.v)])),
      );
    },

    listSites(): Site[] {
      return ctx.read(() => db.query<SiteRow, []>("SELECT id, name, created_at FROM sites ORDER BY name").all().map(toSite));
    },

    getSiteConfig(siteId: string): AgentConfig {
      return ctx.read(() => loadConfig(ctx, siteId));
    },

    /**
     * Changes a site's config in one transaction. The result must pass the
     * agents' own check (src/common/config): a config they would refuse is
     * refused here ("invalid-argument", naming each field as the agent would,
     * with `labels` for the option names of the caller) and nothing is stored.
     */
    updateSiteConfig(siteId: string, mutate: (c: AgentConfig) => void, opts: { labels?: FieldLabels } = {}): AgentConfig {
      return ctx.write(() => {
        const config = loadConfig(ctx, siteId);
        const version = config.version + 1n;
        mutate(config);
        const refused = agentConfigRefusals(config, opts.labels);
        if (refused.length) {
          throw new StoreError("invalid-argument", `${refused.map((r) => `${r.path}: ${r.message}`).join("; ")} (the site's agents would refuse this config; nothing was changed)`);
        }
        // The version is the store's to give, whatever the mutation did to it.
        config.version = version;
        db.run("UPDATE sites SET config = ?, config_version = ? WHERE id = ?", [toBinary(AgentConfigSchema, config), Number(version), siteId]);
        return config;
      });
    },
  };
}

function loadConfig(ctx: StoreContext, siteId: string): AgentConfig {
  const r = ctx.db.query<{ config: Uint8Array; config_version: number }, [string]>("SELECT config, config_version FROM sites WHERE id = ?").get(siteId);
  if (!r) throw new StoreError("not-found", `unknown site "${siteId}"`);
  const config = fromBinary(AgentConfigSchema, r.config);
  config.version = BigInt(r.config_version);
  return config;
}
