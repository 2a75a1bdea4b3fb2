/**
 * AdminService: Device Web Access sessions (the `web-access` commands). A
 * session is opened by the signed-in caller (its "opened by" is their
 * username) and only on a site where they may use web access; listings show
 * the sessions of such sites only. Session URLs need the web-access settings
 * the serving hub writes to its data folder (web-access-settings.ts): the
 * handlers run in that hub and read them there. Closing a session ends it in
 * the store; the serving hub's watcher drops the tunnel and wakes the agent.
 */
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import type { WebAccessSession as SessionMessage } from "../../gen/dca/v1/admin_tasks_pb.ts";
import type { Clock } from "../../common/clock.ts";
import { DcaError } from "../../common/errors.ts";
import { type AdminStore, StoreError, type WebAccessSession } from "../store/index.ts";
import { openWebAccess } from "../webaccess/open-web-access.ts";
import { readWebAccessSettings, sessionOrigin } from "../webaccess/web-access-settings.ts";
import { formatTime } from "../admin/admin-format.ts";
import { callerOf, note, requireOn, siteFor, visible } from "./admin-call.ts";
import { sessionToProto } from "./task-to-proto.ts";

type WebAccessMethods = "openWebAccess" | "listWebAccess" | "closeWebAccess" | "listWebAccessAudit";

/** `web-access audit`: sessions listed by default, and at most. */
const AUDIT_LIMIT = { default: 1000, max: 10_000 };

/** What the web-access handlers need. */
export interface WebAccessHandlerDeps {
  store: AdminStore;
  /** The hub's data folder, where `serve` writes the web-access settings (none: no session can be opened). */
  dataDir: string | undefined;
  clock: Pick<Clock, "now">;
}

/** The web-access methods over the store and the serving hub's settings. */
export function createWebAccessHandlers(deps: WebAccessHandlerDeps): Pick<ServiceImpl<typeof AdminService>, WebAccessMethods> {
  const { store } = deps;
  const now = () => new Date(deps.clock.now());
  const readSettings = () => {
    if (deps.dataDir === undefined) throw new DcaError("failed-precondition", "this hub process serves no web access (it has no data folder); use the serving hub");
    return readWebAccessSettings(deps.dataDir);
  };
  /** Sessions as messages, with their sites' names and origins (no origin while the hub has no settings). */
  const toProto = (sessions: WebAccessSession[]): SessionMessage[] => {
    let settings: ReturnType<typeof readWebAccessSettings> | undefined;
    try {
      settings = sessions.length ? readSettings() : undefined;
    } catch {
      settings = undefined;
    }
    const names = new Map(store.listSites().map((s) => [s.id, s.name]));
    const at = now();
    return sessions.map((s) => sessionToProto(s, { siteName: names.get(s.siteId) ?? s.siteId, origin: settings ? sessionOrigin(s.label, settings) : "", now: at }));
  };
  /** The session named, if the caller may use web access on its site. */
  const sessionFor = (ctx: HandlerContext, idOrLabel: string): WebAccessSession => {
    if (!idOrLabel) throw new DcaError("invalid-argument", "which session? give its id (dca-hub web-access list)");
    const s = store.getWebAccessSession(idOrLabel);
    if (!s) throw new StoreError("not-found", `unknown web-access session "${idOrLabel}"; see "dca-hub web-access list"`);
    requireOn(ctx, "webaccess.use", s.siteId, `web-access ${s.id}`);
    return s;
  };
  return {
    openWebAccess(req, ctx) {
      const caller = callerOf(ctx);
      const site = req.site ? siteFor(ctx, store, "webaccess.use", req.site) : undefined;
      const settings = readSettings();
      const opened = openWebAccess(
        {
          getDevice: (id) => store.getDevice(id),
          // An address is looked up among the devices of the caller's sites only: others' stay unknown.
          listDevices: (o) => visible(ctx, "webaccess.use", store.listDevices(o)),
          getSiteConfig: (id) => store.getSiteConfig(id),
          openWebAccessSession: (s) => store.openWebAccessSession(s),
        },
        settings,
        {
          device: req.device,
          site,
          port: req.port,
          tls: req.tls,
          minutes: req.minutes,
          idleSeconds: req.idleSeconds,
          concurrent: req.concurrent,
          openedBy: caller.username,
          authorize: (siteId) => requireOn(ctx, "webaccess.use", siteId, `device ${req.device}`),
        },
      );
      const s = opened.session;
      note(ctx, { siteId: s.siteId, target: `web-access ${s.id}`, detail: { device: s.deviceId ?? s.address, address: s.address, port: s.port, tls: s.tls, taskId: s.taskId, expiresAt: s.expiresAt.toISOString() } });
      return { session: toProto([s])[0], url: opened.url, deviceModel: opened.device?.model ?? "" };
    },
    listWebAccess(req, ctx) {
      if (req.session) return { sessions: toProto([sessionFor(ctx, req.session)]) };
      const site = req.site ? siteFor(ctx, store, "webaccess.use", req.site) : undefined;
      const at = now();
      const open = visible(ctx, "webaccess.use", store.listWebAccessSessions({ open: true, siteId: site?.id })).filter((s) => s.expiresAt > at);
      return { sessions: toProto(open) };
    },
    closeWebAccess(req, ctx) {
      const s = sessionFor(ctx, req.session);
      const already = (e: WebAccessSession) => new DcaError("failed-precondition", `session ${e.id} already ended at ${formatTime(e.endedAt)} (${e.endReason}); nothing to close`);
      if (s.endedAt) throw already(s);
      const r = store.endWebAccessSession(s.id, `closed by ${callerOf(ctx).username}`);
      if (!r?.ended) throw already(r?.session ?? s);
      return { session: toProto([r.session])[0] };
    },
    listWebAccessAudit(req, ctx) {
      const limit = req.limit || AUDIT_LIMIT.default;
      if (limit > AUDIT_LIMIT.max) throw new DcaError("invalid-argument", `--limit takes 1-${AUDIT_LIMIT.max}, got ${limit}`);
      const site = req.site ? siteFor(ctx, store, "webaccess.audit", req.site) : undefined;
      const allowed = callerOf(ctx).sitesWith("webaccess.audit");
      if (site || allowed === "all") return { sessions: toProto(store.listWebAccessSessions({ siteId: site?.id, limit })) };
      // Per site, so that other sites' sessions do not use up the limit; then newest first again.
      const rows = [...allowed].flatMap((siteId) => store.listWebAccessSessions({ siteId, limit }));
      rows.sort((a, b) => b.openedAt.getTime() - a.openedAt.getTime());
      return { sessions: toProto(rows.slice(0, limit)) };
    },
  };
}
