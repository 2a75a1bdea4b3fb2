/**
 * Opens the hub's embedded store: one SQLite file in the data directory,
 * shared by the server and the admin commands (each opens its own
 * connection; WAL lets readers run beside the one writer).
 *
 * The store is one object behind every narrow interface of hub-store.ts,
 * not one member per interface: several users share methods (the agent API
 * and the broker both authenticate agents), and one object keeps one
 * connection and one transaction discipline behind all of them.
 */
import { join } from "node:path";
import { type Clock, systemClock } from "../../common/clock.ts";
import { createActivation } from "./activation.ts";
import { createAgents } from "./agents.ts";
import { createAlertConfig } from "./alert-config.ts";
import { createAlertDeliveries } from "./alert-deliveries.ts";
import { createAlertInstances } from "./alert-instances.ts";
import { createApiTokens } from "./api-tokens.ts";
import { createAuditLog } from "./audit-log.ts";
import { createDeviceViews } from "./devices.ts";
import { createDeviceHistory } from "./device-history.ts";
import { createDeviceQuery } from "./device-query.ts";
import { createFleetCounts } from "./fleet-counts.ts";
import { createHubSettings } from "./hub-settings.ts";
import { createMeterHistory } from "./meter-history.ts";
import type { HubStore } from "./hub-store.ts";
import { createPortalCodes } from "./portal-codes.ts";
import { createReadingWriter } from "./readings.ts";
import { createReleases } from "./releases.ts";
import { createRoleGrants } from "./role-grants.ts";
import { HUB_DB_FILE, openHubDatabase } from "./schema.ts";
import { createSites } from "./sites.ts";
import { createStoreContext } from "./store-context.ts";
import { createTasks } from "./tasks.ts";
import { createUserSessions } from "./user-sessions.ts";
import { createUserSecondFactor } from "./user-second-factor.ts";
import { createUsers } from "./users.ts";
import { createWebAccessSessions } from "./web-access-sessions.ts";

/** Options of `openHubStore`. */
export interface HubStoreOptions {
  /** The clock for every stored time and expiry (only its wall time is read); tests inject one. */
  clock?: Pick<Clock, "now">;
}

/** The SQLite hub store: every interface of HubStore, and where its file is. */
export interface SqliteHubStore extends HubStore {
  /** The database file (`<dataDir>/hub.db`). */
  readonly path: string;
}

/**
 * Opens (creating if needed) `<dataDir>/hub.db`. The directory is created
 * with mode 0700 and the file made 0600: it holds the sites' SNMP secrets.
 * Throws a StoreError when the file cannot be opened or is not a hub database.
 */
export function openHubStore(dataDir: string, opts: HubStoreOptions = {}): SqliteHubStore {
  const db = openHubDatabase(dataDir);
  const ctx = createStoreContext(db, opts.clock ?? systemClock);
  const sites = createSites(ctx);
  const { requireSite, ...siteMethods } = sites;
  const tasks = createTasks(ctx, requireSite, siteMethods.getSiteConfig);
  const settings = createHubSettings(ctx);
  const users = createUsers(ctx);
  const grants = createRoleGrants(ctx);
  return {
    path: join(dataDir, HUB_DB_FILE),
    ...siteMethods,
    ...createActivation(ctx, requireSite),
    ...createAgents(ctx),
    ...createReadingWriter(ctx),
    ...createDeviceViews(ctx),
    ...createMeterHistory(ctx),
    ...createDeviceQuery(ctx),
    ...createFleetCounts(ctx),
    ...createDeviceHistory(ctx),
    ...tasks,
    ...createWebAccessSessions(ctx, tasks.createTask),
    ...createReleases(ctx),
    ...grants,
    ...settings,
    ...createUserSessions(ctx, settings.getSecuritySettings),
    ...createApiTokens(ctx),
    ...createAuditLog(ctx),
    ...users,
    ...createPortalCodes(ctx, { ...settings, createUser: users.createUser, grantRole: grants.grantRole }),
    ...createUserSecondFactor(ctx),
    ...createAlertConfig(ctx),
    ...createAlertInstances(ctx),
    ...createAlertDeliveries(ctx),
    close() {
      db.close();
    },
  };
}
