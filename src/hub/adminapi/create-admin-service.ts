/**
 * AdminService as the hub serves it: every group's handlers over the store,
 * behind the door's rules and the audit log (admin-door.ts).
 */
import type { ServiceImpl } from "@connectrpc/connect";
import { systemClock } from "../../common/clock.ts";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import type { HubStore } from "../store/index.ts";
import { createAdminAuth } from "./admin-auth.ts";
import type { AdminAuth, AuditEntry } from "./admin-door.ts";
import { createHubHandlers } from "./hub-handlers.ts";
import { type HubSignIn, type HubSignInDeps, createHubSignIn } from "./hub-sign-in.ts";
import { createSelfHandlers } from "./self-handlers.ts";
import { createSignInHandlers } from "./sign-in-handlers.ts";
import { createSsoHandlers } from "./sso-handlers.ts";
import { createSiteHandlers } from "./site-handlers.ts";
import { createTokenHandlers } from "./token-handlers.ts";
import { type WakeLines, createFleetHandlers } from "./fleet-handlers.ts";
import { createDeviceHandlers } from "./device-handlers.ts";
import { createTaskHandlers } from "./task-handlers.ts";
import { createWebAccessHandlers } from "./web-access-handlers.ts";
import { createAuditHandlers } from "./audit-handlers.ts";
import { createBillingHandlers } from "./billing-handlers.ts";
import { createFleetViewHandlers } from "./fleet-view-handlers.ts";
import { createPeopleHandlers } from "./people-handlers.ts";
import { createRoleHandlers } from "./role-handlers.ts";
import { createSecurityHandlers } from "./security-handlers.ts";
import { createAlertHandlers } from "./alert-handlers.ts";
import { createAlertChannelHandlers } from "./alert-channel-handlers.ts";
import type { ChannelSender } from "../alerts/index.ts";
import { type TaskEvents, createTaskEvents } from "../api/task-events.ts";
import { createPortalHandlers } from "./portal-handlers.ts";
import { createWatchTaskHandler } from "./watch-task-handler.ts";

/** What the handlers need besides the store (clock, settings, public URL: see HubSignInDeps). */
export interface AdminServiceDeps extends HubSignInDeps {
  /** The hub's data folder, where `serve` writes the web-access settings (without it, OpenWebAccess refuses). */
  dataDir?: string;
  /**
   * The sign-in state of this hub process (rate limits, challenges, SSO sign-ins in flight), when
   * the caller shares it with the SSO callback (start-hub.ts); made from the deps otherwise.
   */
  signIn?: HubSignIn;
  /** The root public key releases are checked against; the built-in one by default (tests give their own). */
  trustRoot?: string;
  /** How TestAlertChannel sends its notice; the real webhook and SMTP senders by default (tests give their own). */
  alertSender?: ChannelSender;
  /** Task changes within this hub process, shared with the agent API (WatchTask follows them); a set of its own by default. */
  taskEvents?: TaskEvents;
  /** The agents connected to the embedded MQTT broker now (ListAgents/GetAgent say whose wake line is up); none known by default. */
  wakeLines?: WakeLines;
}

/** Every AdminService handler the hub has (a missing one answers unimplemented). */
export function createAdminHandlers(deps: AdminServiceDeps): Partial<ServiceImpl<typeof AdminService>> {
  const signIn = deps.signIn ?? createHubSignIn(deps);
  const taskEvents = deps.taskEvents ?? createTaskEvents();
  return {
    ...createSignInHandlers(signIn),
    ...createSsoHandlers(signIn),
    ...createSelfHandlers(signIn),
    ...createTokenHandlers(signIn),
    ...createSiteHandlers(deps.store),
    ...createFleetHandlers(deps.store, deps.wakeLines),
    ...createDeviceHandlers(deps.store),
    ...createTaskHandlers(deps.store, taskEvents),
    ...createWebAccessHandlers({ store: deps.store, dataDir: deps.dataDir, clock: deps.clock ?? systemClock }),
    ...createPeopleHandlers({ store: deps.store, clock: deps.clock ?? systemClock }),
    ...createRoleHandlers(deps.store),
    ...createSecurityHandlers(deps.store),
    ...createAuditHandlers(deps.store),
    ...createBillingHandlers(deps.store),
    ...createAlertHandlers(deps.store),
    ...createAlertChannelHandlers({ store: deps.store, send: deps.alertSender, now: () => (deps.clock ?? systemClock).now(), monotonic: () => (deps.clock ?? systemClock).monotonic() }),
    ...createFleetViewHandlers({ store: deps.store, clock: deps.clock ?? systemClock }),
    // Portal (issue 15).
    ...createPortalHandlers(signIn),
    // Real time: a watch sleeps between looks at the store (its tests give it a clock of their own).
    ...createWatchTaskHandler({ store: deps.store, events: taskEvents }),
    // Releases and the broker's certificate live in the data folder: without one these answer unimplemented.
    ...(deps.dataDir === undefined ? {} : createHubHandlers({ store: deps.store, dataDir: deps.dataDir, trustRoot: deps.trustRoot, now: () => new Date((deps.clock ?? systemClock).now()) })),
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
