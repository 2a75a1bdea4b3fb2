/**
 * AdminService: alert rules and alerts (the `alert rule` and `alert list`
 * commands; docs/alerts.md). A site's rules need alert.write on it, a global
 * rule a global grant; listings show global rules and the rules and alerts
 * of the sites where the caller has alert.read.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { DcaError } from "../../common/errors.ts";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { permissionDenied } from "../access/index.ts";
import { checkRuleTerms, describeRule, ruleName } from "../alerts/index.ts";
import { type AlertStore, type SiteAdminStore, MAX_ALERT_LIST, StoreError } from "../store/index.ts";
import { callerOf, note, requireOn, siteFor } from "./admin-call.ts";
import { type AlertNames, alertRuleToProto, alertToProto } from "./alert-to-proto.ts";

type AlertMethods = "listAlertRules" | "createAlertRule" | "deleteAlertRule" | "listAlerts";

/** What the alert handlers use of the store. */
export type AlertHandlerStore = Pick<AlertStore, "listAlertRules" | "getAlertRule" | "createAlertRule" | "deleteAlertRule" | "listAlertChannels" | "getAlertChannel" | "listAlerts"> &
  Pick<SiteAdminStore, "getSite" | "listSites">;

/** Longest id or name a request may give. */
const MAX_ARG = 128;

/** Site and channel names by id, read once per call. */
export function alertNames(store: Pick<AlertHandlerStore, "listSites" | "listAlertChannels">): AlertNames {
  const sites = new Map(store.listSites().map((s) => [s.id, s.name]));
  const channels = new Map(store.listAlertChannels().map((c) => [c.id, c.name]));
  return { site: (id) => sites.get(id) ?? id, channel: (id) => channels.get(id) ?? id };
}

/** Refuses a global rule (or a change to one) to a caller without alert.write from a global grant. */
function requireGlobal(ctx: HandlerContext): void {
  const caller = callerOf(ctx);
  if (!caller.hasGlobal("alert.write")) throw permissionDenied(caller.username, "alert.write", "global alert rules (they watch every site)");
}

/** The alert rule and alert methods over the store. */
export function createAlertHandlers(store: AlertHandlerStore): Pick<ServiceImpl<typeof AdminService>, AlertMethods> {
  return {
    listAlertRules(req, ctx) {
      const site = req.site.trim() ? siteFor(ctx, store, "alert.read", req.site.trim()) : undefined;
      const sites = callerOf(ctx).sitesWith("alert.read");
      const rules = store
        .listAlertRules()
        .filter((r) => r.siteId === undefined || (site ? r.siteId === site.id : sites === "all" || sites.has(r.siteId)));
      const names = alertNames(store);
      return { rules: rules.map((r) => alertRuleToProto(r, names)) };
    },

    createAlertRule(req, ctx) {
      const terms = checkRuleTerms({ kind: req.kind, percent: req.percent, state: req.state, seconds: req.seconds });
      const site = req.site.trim() ? siteFor(ctx, store, "alert.write", req.site.trim()) : undefined;
      if (!site) requireGlobal(ctx);
      if (req.channels.length > 20) throw new DcaError("invalid-argument", "a rule names at most 20 channels");
      const channelIds = [...new Set(req.channels.map((c) => c.trim()).filter(Boolean))].map((c) => {
        const channel = c.length <= MAX_ARG ? store.getAlertChannel(c) : undefined;
        if (!channel) throw new StoreError("not-found", `unknown alert channel "${c.slice(0, MAX_ARG)}"; see "dca-hub alert channel list"`);
        return channel.id;
      });
      const described = describeRule({ kind: terms.kind, percent: terms.percent ?? 0, state: terms.state ?? "", seconds: terms.seconds ?? 0 });
      const rule = store.createAlertRule({ ...terms, name: ruleName(req.name, described), siteId: site?.id, channelIds, createdBy: callerOf(ctx).username });
      note(ctx, { siteId: site?.id, target: `alert rule ${rule.id}`, detail: { name: rule.name, kind: rule.kind, rule: described, channels: channelIds } });
      return { rule: alertRuleToProto(rule, alertNames(store)) };
    },

    deleteAlertRule(req, ctx) {
      const id = req.rule.trim();
      if (!id || id.length > MAX_ARG) throw new DcaError("invalid-argument", 'which alert rule? give its id (see "dca-hub alert rule list")');
      const rule = store.getAlertRule(id);
      const caller = callerOf(ctx);
      if (!rule) {
        if (caller.hasGlobal("alert.write")) throw new StoreError("not-found", `unknown alert rule "${id}"; see "dca-hub alert rule list"`);
        throw permissionDenied(caller.username, "alert.write", `the site of alert rule "${id}"`);
      }
      if (rule.siteId === undefined) requireGlobal(ctx);
      else requireOn(ctx, "alert.write", rule.siteId, `alert rule ${rule.id}`);
      const names = alertNames(store);
      const done = store.deleteAlertRule(rule.id);
      if (!done) throw new StoreError("not-found", `unknown alert rule "${id}"; see "dca-hub alert rule list"`);
      note(ctx, { target: `alert rule ${rule.id}`, detail: { name: rule.name, resolvedAlerts: done.resolved } });
      return { rule: alertRuleToProto(done.rule, names), resolvedAlerts: done.resolved };
    },

    listAlerts(req, ctx) {
      const site = req.site.trim() ? siteFor(ctx, store, "alert.read", req.site.trim()) : undefined;
      const state = req.state.trim();
      if (state !== "" && state !== "open" && state !== "resolved") throw new DcaError("invalid-argument", `state must be open or resolved (or empty for both), got "${state.slice(0, 20)}"`);
      if (req.limit > MAX_ALERT_LIST) throw new DcaError("invalid-argument", `limit must be between 1 and ${MAX_ALERT_LIST} (page back with "before")`);
      const sites = callerOf(ctx).sitesWith("alert.read");
      const siteIds = site ? [site.id] : sites === "all" ? undefined : [...sites];
      const alerts = store.listAlerts({
        siteIds,
        subjectId: req.subject.trim() ? req.subject.trim().slice(0, MAX_ARG) : undefined,
        open: state === "" ? undefined : state === "open",
        limit: req.limit || 100,
        before: req.before ? timestampDate(req.before) : undefined,
      });
      const names = alertNames(store);
      return { alerts: alerts.map((a) => alertToProto(a, names)) };
    },
  };
}
