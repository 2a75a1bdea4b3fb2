/** `code create`, `agent list|show|disable|enable|reset-ssh-key`, `install list|reset`. */
import { flag } from "../../common/args.ts";
import { type AgentAdminStore, DEFAULT_CODE_TTL_MS, StoreError, type Agent } from "../store/index.ts";
import { type AdminCommand, type AdminContext, type SiteNames, arg, noMoreArgs, printJson, siteArg, siteFlag, wantsJson } from "./admin-context.ts";
import { formatAgo, formatTable, formatTime, parseDurationMs } from "./admin-format.ts";
import { fingerprintOf } from "../relay/agent-ssh-key.ts";

const agentState = (a: Agent) => (a.replacedBy ? `replaced by ${a.replacedBy}` : a.disabled ? "disabled" : "active");

/** The agent with `id`, or a "not-found" error pointing at `agent list`. */
function agentArg(ctx: AdminContext<AgentAdminStore>, id: string): Agent {
  const a = ctx.store.getAgent(id);
  if (!a) throw new StoreError("not-found", `unknown agent "${id}"; see "dca-hub agent list"`);
  return a;
}

function setDisabled(ctx: AdminContext<AgentAdminStore>, id: string, disabled: boolean): number {
  agentArg(ctx, id);
  const a = ctx.store.setAgentDisabled(id, disabled);
  ctx.io.out(`agent ${a.id} (${a.hostname}) ${disabled ? "disabled: its calls are refused from now on" : "enabled"}\n`);
  return 0;
}

/** The agent, activation-code and install commands. */
export const AGENT_COMMANDS: Record<string, AdminCommand<AgentAdminStore & SiteNames>> = {
  "code create": {
    usage: "code create SITE [--ttl 7d] [--json]",
    valued: ["ttl"],
    booleans: ["json"],
    run(ctx, p) {
      const site = siteArg(ctx, arg(p, 0, "SITE"));
      noMoreArgs(p, 1);
      const ttl = flag(p, "ttl");
      const ttlMs = ttl === undefined ? DEFAULT_CODE_TTL_MS : parseDurationMs(ttl, "--ttl");
      if (ttlMs <= 0) throw new StoreError("invalid-argument", "--ttl must be longer than 0");
      const { code, expiresAt } = ctx.store.createActivationCode(site.id, { ttlMs });
      if (wantsJson(p)) printJson(ctx, { code, siteId: site.id, siteName: site.name, expiresAt });
      else ctx.io.out(`activation code for site "${site.name}": ${code}\nexpires ${formatTime(expiresAt)}; single use\n`);
      return 0;
    },
  },

  "agent list": {
    usage: "agent list [--site S] [--json]",
    valued: ["site"],
    booleans: ["json"],
    run(ctx, p) {
      noMoreArgs(p, 0);
      const site = siteFlag(ctx, p);
      const agents = ctx.store.listAgents(site?.id);
      if (wantsJson(p)) {
        printJson(ctx, agents);
        return 0;
      }
      if (agents.length === 0) {
        ctx.io.out(`no agents${site ? ` on site "${site.name}"` : ""} (activate one with a code from "code create")\n`);
        return 0;
      }
      const names = new Map(ctx.store.listSites().map((s) => [s.id, s.name]));
      const now = ctx.now();
      ctx.io.out(
        formatTable(
          ["ID", "SITE", "HOSTNAME", "VERSION", "PLATFORM", "LAST POLL", "CONFIG", "OUTBOX", "DROPPED", "READINGS", "STATE", "LAST ERROR"],
          agents.map((a) => [
            a.id,
            names.get(a.siteId) ?? a.siteId,
            a.hostname,
            a.agentVersion,
            a.platform,
            formatAgo(a.lastPollAt, now),
            `v${a.configVersion}`,
            a.outboxDepth,
            a.droppedReadings,
            a.readingsReceived,
            agentState(a),
            a.lastError,
          ]),
        ),
      );
      return 0;
    },
  },

  "agent show": {
    usage: "agent show AGENT_ID [--json]",
    booleans: ["json"],
    run(ctx, p) {
      const id = arg(p, 0, "AGENT_ID");
      noMoreArgs(p, 1);
      const a = agentArg(ctx, id);
      if (wantsJson(p)) return (printJson(ctx, a), 0);
      const site = ctx.store.getSite(a.siteId);
      const rows: [string, string | number][] = [
        ["Agent", a.id],
        ["Site", site ? `${site.name} (${a.siteId})` : a.siteId],
        ["Host", a.hostname],
        ["Version", `${a.agentVersion} (${a.platform})`],
        ["Last poll", formatAgo(a.lastPollAt, ctx.now())],
        ["State", agentState(a)],
        ["Config", `v${a.configVersion}`],
        ["Outbox", `${a.outboxDepth} readings, ${a.outboxBytes} bytes, ${a.droppedReadings} dropped`],
        ["Readings", a.readingsReceived],
        ["Last error", a.lastError || "-"],
        ["Update", a.updateStatus || "-"],
        ["SSH key", a.sshPublicKey ? `${fingerprintOf(a.sshPublicKey)} (ED25519)` : "- (sent at its next poll by an agent that has Device Web Access)"],
      ];
      ctx.io.out(rows.map(([k, v]) => `${k.padEnd(11)}${v}`).join("\n") + "\n");
      return 0;
    },
  },

  "agent disable": {
    usage: "agent disable AGENT_ID",
    run(ctx, p) {
      noMoreArgs(p, 1);
      return setDisabled(ctx, arg(p, 0, "AGENT_ID"), true);
    },
  },

  "agent enable": {
    usage: "agent enable AGENT_ID",
    run(ctx, p) {
      noMoreArgs(p, 1);
      return setDisabled(ctx, arg(p, 0, "AGENT_ID"), false);
    },
  },

  "agent reset-ssh-key": {
    usage: "agent reset-ssh-key AGENT_ID",
    run(ctx, p) {
      noMoreArgs(p, 1);
      const before = agentArg(ctx, arg(p, 0, "AGENT_ID"));
      const a = ctx.store.resetSshKey(before.id);
      const was = before.sshPublicKey ? ` (was ${fingerprintOf(before.sshPublicKey)})` : "";
      ctx.io.out(`agent ${a.id} (${a.hostname}): SSH key forgotten${was}; the next key it sends is registered\n`);
      return 0;
    },
  },

  "install list": {
    usage: "install list [--json]",
    booleans: ["json"],
    run(ctx, p) {
      noMoreArgs(p, 0);
      const installs = ctx.store.listInstalls();
      if (wantsJson(p)) printJson(ctx, installs);
      else if (installs.length === 0) ctx.io.out("no activation attempts yet\n");
      else {
        ctx.io.out(
          formatTable(
            ["INSTALL ID", "FAILED", "LOCKED", "RESETS", "LAST ATTEMPT"],
            installs.map((i) => [i.installId, i.failedAttempts, i.locked ? "yes" : "no", i.resetGeneration, formatTime(i.lastAttemptAt)]),
          ),
        );
      }
      return 0;
    },
  },

  "install reset": {
    usage: "install reset INSTALL_ID",
    run(ctx, p) {
      const id = arg(p, 0, "INSTALL_ID");
      noMoreArgs(p, 1);
      const { resetGeneration } = ctx.store.resetInstall(id);
      ctx.io.out(`install "${id}" reset (reset generation ${resetGeneration}): it may try to activate again\n`);
      return 0;
    },
  },
};
