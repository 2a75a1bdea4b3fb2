/**
 * AdminService: activation codes, agents and installs (the `code`, `agent`
 * and `install` commands). Agents are site-scoped: every handler checks the
 * site of the agent it touches. Installs have no site (an install that never
 * activated belongs to nobody), so they are a global permission.
 *
 * Disabling an agent needs nothing besides the store: the agent API refuses
 * a disabled agent's next call, and the hub's MQTT side checks the store
 * every EVICT_INTERVAL_MS and cuts one that is connected (src/hub/mqtt).
 */
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { DcaError } from "../../common/errors.ts";
import { fingerprintOf } from "../relay/agent-ssh-key.ts";
import type { Agent as AgentMessage } from "../../gen/dca/v1/admin_fleet_pb.ts";
import type { Agent, AgentAdminStore, SiteAdminStore } from "../store/index.ts";
import { callerOf, note, siteFor, visible } from "./admin-call.ts";
import { idArg, rowFor, siteFilter, siteNames } from "./fleet-access.ts";
import { type SiteNameOf, agentToProto, installToProto } from "./fleet-to-proto.ts";
import { siteToProto, ts } from "./to-proto.ts";

type FleetMethods = "createActivationCode" | "listAgents" | "getAgent" | "setAgentDisabled" | "resetAgentSshKey" | "listInstalls" | "resetInstall";

/** What the fleet handlers use of the store. */
export type FleetHandlerStore = AgentAdminStore & Pick<SiteAdminStore, "getSite" | "listSites">;

/** The agents whose wake line (MQTT connection to the embedded broker) is up now; undefined when this process cannot tell. */
export type WakeLines = () => ReadonlySet<string> | undefined;

/** The agent, activation-code and install methods over the store. */
export function createFleetHandlers(store: FleetHandlerStore, wakeLines: WakeLines = () => undefined): Pick<ServiceImpl<typeof AdminService>, FleetMethods> {
  /** An agent with its wake line, where this hub can tell. */
  const toProto = (a: Agent, names: SiteNameOf, lines = wakeLines()): AgentMessage => {
    const m = agentToProto(a, names);
    if (lines) m.wakeLineUp = lines.has(a.id);
    return m;
  };
  const agentFor = (ctx: HandlerContext, permission: "agent.read" | "agent.write", id: string) => {
    const agentId = idArg(id, "agent");
    return rowFor(ctx, permission, "agent", agentId, store.getAgent(agentId));
  };
  return {
    createActivationCode(req, ctx) {
      const site = siteFor(ctx, store, "code.create", req.site);
      if (req.ttlSeconds === 0) throw new DcaError("invalid-argument", "--ttl must be longer than 0");
      const { code, expiresAt } = store.createActivationCode(site.id, { ttlMs: req.ttlSeconds === undefined ? undefined : req.ttlSeconds * 1000 });
      // The code itself is a credential: the audit record says when it expires, never what it is.
      note(ctx, { target: `site ${site.name}`, detail: { expiresAt: expiresAt.toISOString() } });
      return { code, site: siteToProto(site), expiresAt: ts(expiresAt) };
    },
    listAgents(req, ctx) {
      const site = siteFilter(ctx, store, "agent.read", req.site);
      const names = siteNames(store);
      const lines = wakeLines();
      return { agents: visible(ctx, "agent.read", store.listAgents(site?.id)).map((a) => toProto(a, names, lines)) };
    },
    getAgent(req, ctx) {
      return { agent: toProto(agentFor(ctx, "agent.read", req.agent), siteNames(store)) };
    },
    setAgentDisabled(req, ctx) {
      const before = agentFor(ctx, "agent.write", req.agent);
      const a = store.setAgentDisabled(before.id, req.disabled);
      note(ctx, { detail: { disabled: a.disabled, hostname: a.hostname } });
      return { agent: toProto(a, siteNames(store)) };
    },
    resetAgentSshKey(req, ctx) {
      const before = agentFor(ctx, "agent.write", req.agent);
      const a = store.resetSshKey(before.id);
      const previousFingerprint = before.sshPublicKey ? fingerprintOf(before.sshPublicKey) : "";
      note(ctx, { detail: { previousFingerprint, hostname: a.hostname } });
      return { agent: toProto(a, siteNames(store)), previousFingerprint };
    },
    listInstalls(_req, ctx) {
      callerOf(ctx);
      return { installs: store.listInstalls().map(installToProto) };
    },
    resetInstall(req, ctx) {
      callerOf(ctx);
      const id = idArg(req.installId, "install");
      note(ctx, { target: `install ${id}` });
      const { resetGeneration } = store.resetInstall(id);
      note(ctx, { detail: { resetGeneration } });
      return { resetGeneration };
    },
  };
}
