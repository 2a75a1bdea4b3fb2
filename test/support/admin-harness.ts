/**
 * An in-process hub for admin command tests: the real store, the real
 * AdminService handlers behind the real door rules and audit log, reached
 * through Connect's router transport (no socket), as a signed-in user.
 * `as(role, site?)` gives the API as another user with that one grant.
 */
import { createRouterTransport } from "@connectrpc/connect";
import { AdminService } from "../../src/gen/dca/v1/admin_service_pb.ts";
import { type AdminClient, bearerInterceptor, createAdminClient } from "../../src/hub/admin/admin-client.ts";
import { createAdminHandlers, guardAdminService, storeAdminAuth, storeAudit } from "../../src/hub/adminapi/index.ts";
import { type SqliteHubStore, openHubStore } from "../../src/hub/store/index.ts";
import { type TestClock, tempDataDir, testClock } from "./hub-store-fixtures.ts";

export interface AdminHarness {
  dataDir: string;
  clock: TestClock;
  store: SqliteHubStore;
  /** The API as "owner", a global owner. */
  api: AdminClient;
  /** The API as a new user holding only `role` (globally, or on the site named). */
  as(role: string, site?: string): AdminClient;
  /** A client that sends `bearer` (or none). */
  withBearer(bearer: string | undefined): AdminClient;
}

/** A hub store in a temp folder with an owner signed in; `trustRoot` is the release root key the hub checks against. */
export function adminHarness(opts: { dataDir?: string; clock?: TestClock; trustRoot?: string } = {}): AdminHarness {
  const dataDir = opts.dataDir ?? tempDataDir();
  const clock = opts.clock ?? testClock();
  const store = openHubStore(dataDir, { clock });
  // Sign-in's rate limits and challenges run on the same clock (its wall time as their monotonic time).
  const handlers = createAdminHandlers({ store, dataDir, trustRoot: opts.trustRoot, clock: { now: () => clock.now(), monotonic: () => clock.now() } });
  const service = guardAdminService({ service: handlers, auth: storeAdminAuth(store), audit: storeAudit(store) });
  const withBearer = (bearer: string | undefined) =>
    createAdminClient(createRouterTransport(({ service: serve }) => serve(AdminService, service), { transport: { interceptors: [bearerInterceptor(bearer ?? "")] } }), "in-process hub");
  let n = 0;
  const signedIn = (username: string, role: string, site?: string): AdminClient => {
    const user = store.createUser({ username, createdBy: "test" });
    const siteId = site === undefined ? undefined : (store.getSite(site)?.id ?? site);
    store.grantRole({ userId: user.id, role, siteId });
    return withBearer(store.createSession({ userId: user.id, method: "password", address: "127.0.0.1", client: "test" }).token);
  };
  return {
    dataDir,
    clock,
    store,
    api: signedIn("owner", "owner"),
    as: (role, site) => signedIn(`${role}${++n}`, role, site),
    withBearer,
  };
}
