/**
 * AdminService as the hub serves it: every group's handlers over the store,
 * behind the door's rules and the audit log (admin-door.ts).
 */
import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import type { HubStore } from "../store/index.ts";
import { createAdminAuth } from "./admin-auth.ts";
import type { AdminAuth, AuditEntry } from "./admin-door.ts";
import { createHubHandlers } from "./hub-handlers.ts";
import { createSiteHandlers } from "./site-handlers.ts";
import { createFleetHandlers } from "./fleet-handlers.ts";
import { createDeviceHandlers } from "./device-handlers.ts";

/** What the handlers need besides the store. */
export interface AdminServiceDeps {
  store: HubStore;
  /** The data folder (releases/, the hub's CA). */
  dataDir: string;
  /** The root public key releases are checked against; the built-in one by default (tests give their own). */
  trustRoot?: string;
  log?: (line: string) => void;
}

/** Every AdminService handler the hub has (a missing one answers unimplemented). */
export function createAdminHandlers(deps: AdminServiceDeps): Partial<ServiceImpl<typeof AdminService>> {
  return {
    ...createSiteHandlers(deps.store),
    ...createFleetHandlers(deps.store),
    ...createDeviceHandlers(deps.store),
    ...createHubHandlers(deps),
  };
}

/** The door's authentication over the store's sessions, tokens, users and grants. */
export function storeAdminAuth(store: HubStore): AdminAuth {
  return createAdminAuth({
    authenticateSession: (t, a) => store.authenticateSession(t, a),
    authenticateApiToken: (t, a) => store.authenticateApiToken(t, a),
    listGrants: (id) => store.listGrants(id),
    sitesOfGroups: (ids) => store.sitesOfGroups(ids),
    authUser: (id) => {
      const u = store.getUser(id);
      return u ? { id: u.id, username: u.username, disabled: u.disabledAt !== undefined } : undefined;
    },
  });
}

/** The audit sink: the store's hash-chained log. */
export const storeAudit =
  (store: Pick<HubStore, "appendAudit">) =>
  (e: AuditEntry): void =>
    void store.appendAudit(e);
