/**
 * Opens the hub's embedded store: one SQLite file in the data directory,
 * shared by the server and the admin commands (each opens its own
 * connection; WAL lets readers run beside the one writer).
 */
import { join } from "node:path";
import { createActivation } from "./activation.ts";
import { createAgents } from "./agents.ts";
import { createDeviceViews } from "./devices.ts";
import { createReadingWriter } from "./readings.ts";
import { HUB_DB_FILE, openHubDatabase } from "./schema.ts";
import { createSites } from "./sites.ts";
import { createStoreContext } from "./store-context.ts";
import { createTasks } from "./tasks.ts";
import type { HubStore } from "./types.ts";

/** Options of `openHubStore`. */
export interface HubStoreOptions {
  /** The clock for every stored time and expiry; tests inject one. */
  now?: () => Date;
}

/**
 * Opens (creating if needed) `<dataDir>/hub.db`. The directory is created
 * with mode 0700 and the file made 0600: it holds the sites' SNMP secrets.
 * Throws a StoreError when the file cannot be opened or is not a hub database.
 */
export function openHubStore(dataDir: string, opts: HubStoreOptions = {}): HubStore {
  const db = openHubDatabase(dataDir);
  const ctx = createStoreContext(db, opts.now ?? (() => new Date()));
  const sites = createSites(ctx);
  const { requireSite, ...siteMethods } = sites;
  return {
    path: join(dataDir, HUB_DB_FILE),
    ...siteMethods,
    ...createActivation(ctx, requireSite),
    ...createAgents(ctx),
    ...createReadingWriter(ctx),
    ...createDeviceViews(ctx),
    ...createTasks(ctx, requireSite, siteMethods.getSiteConfig),
    close() {
      db.close();
    },
  };
}
