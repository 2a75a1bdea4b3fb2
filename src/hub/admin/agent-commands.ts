/** `code create`, `agent list|show|disable|enable|reset-ssh-key`, `install list|reset`: clients of AdminService. */
import { UsageError, flag } from "../../common/args.ts";
import type { Agent as AgentMessage } from "../../gen/dca/v1/admin_fleet_pb.ts";
import { type Agent, StoreError } from "../store/index.ts";
import { type AdminCommand, type AdminContext, arg, noMoreArgs, printJson, wantsJson } from "./admin-context.ts";
import { formatAgo, formatTable, formatTime, parseDurationMs } from "./admin-format.ts";
import { agentOf, installOf, siteNamesOf } from "./fleet-from-proto.ts";
import { dateOf, siteOf } from "./from-proto.ts";

const agentState = (a: Agent) => (a.replacedBy ? `replaced by ${a.replacedBy}` : a.disabled ? "disabled" : "active");

/** The hub's answer's agent (a hub that sent none is an error, not an empty agent). */
function agentIn(r: { agent?: AgentMessage }): AgentMessage {
  if (!r.agent) throw new Error("the hub answered without the agent");
  return r.agent;
}

async function setDisabled(ctx: AdminContext<unknown>, id: string, disabled: boolean): Promise<number> {
  const a = agentIn(await ctx.api.setAgentDisabled({ agent: id, disabled }));
  ctx.io.out(`agent ${a.id} (${a.hostname}) ${disabled ? "disabled: its calls are refused from now on" : "enabled"}\n`);
  return 0;
}

/** `--ttl` in whole seconds (rounded up), or undefined for the hub's default. */
function ttlSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDurationMs(text, "--ttl");
  if (ms <= 0) throw new StoreError("invalid-argument", "--ttl must be longer than 0");
  const s = Math.ceil(ms / 1000);
  if (s > 0xffff_ffff) throw new UsageError("--ttl is too long");
  return s;
}

/** The agent, activation-code and install commands. */
export const AGENT_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "code create": {
    usage: "code create SITE [--ttl 7d] [--json]",
    valued: ["ttl"],
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      const siteName = arg(p, 0, "SITE");
      noMoreArgs(p, 1);
      const r = await ctx.api.createActivationCode({ site: siteName, ttlSeconds: ttlSeconds(flag(p, "ttl")) });
      const site = siteOf(r.site);
      const expiresAt = dateOf(r.expiresAt) ?? new Date(0);
      if (wantsJson(p)) printJson(ctx, { code: r.code, siteId: site.id, siteName: site.name, expiresAt });
      else ctx.io.out(`activation code for site "${site.name}": ${r.code}\nexpires ${formatTime(expiresAt)}; single use\n`);
      return 0;
    },
  },

  "agent list": {
    usage: "agent list [--site S] [--json]",
    valued: ["site"],
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const site = flag(p, "site");
      const listed = (await ctx.api.listAgents({ site: site ?? "" })).agents;
      const agents = listed.map(agentOf);
      if (wantsJson(p)) {
        printJson(ctx, agents);
        return 0;
      }
      if (agents.length === 0) {
        ctx.io.out(`no agents${site !== undefined ? ` on site "${site}"` : ""} (activate one with a code from "code create")\n`);
        return 0;
      }
      const names = siteNamesOf(listed);
      const now = ctx.now();
      ctx.io.out(
        formatTable(
          ["ID", "SITE", "HOSTNAME", "VERSION", "PLATFORM", "LAST POLL", "CONFIG", "OUTBOX", "DROPPED", "READINGS", "STATE", "LAST ERROR"],
          agents.map((a) => [
            a.id,
            names.get(a.siteId) || a.siteId,
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
    remote: true,
    async run(ctx, p) {
      const id = arg(p, 0, "AGENT_ID");
      noMoreArgs(p, 1);
      const m = agentIn(await ctx.api.getAgent({ agent: id }));
      const a = agentOf(m);
      if (wantsJson(p)) return (printJson(ctx, a), 0);
      const rows: [string, string | number][] = [
        ["Agent", a.id],
        ["Site", m.siteName ? `${m.siteName} (${a.siteId})` : a.siteId],
        ["Host", a.hostname],
        ["Version", `${a.agentVersion} (${a.platform})`],
        ["Last poll", formatAgo(a.lastPollAt, ctx.now())],
        ["Wake line", m.wakeLineUp === undefined ? "unknown (the hub has no embedded MQTT broker, or this answer is not the serving hub's)" : m.wakeLineUp ? "up (connected for wake-ups)" : "down (it acts at its next poll)"],
        ["State", agentState(a)],
        ["Config", `v${a.configVersion}`],
        ["Outbox", `${a.outboxDepth} readings, ${a.outboxBytes} bytes, ${a.droppedReadings} dropped`],
        ["Readings", a.readingsReceived],
        ["Last error", a.lastError || "-"],
        ["Update", a.updateStatus || "-"],
        ["SSH key", m.sshKeyFingerprint ? `${m.sshKeyFingerprint} (ED25519)` : "- (sent at its next poll by an agent that has Device Web Access)"],
      ];
      ctx.io.out(rows.map(([k, v]) => `${k.padEnd(11)}${v}`).join("\n") + "\n");
      return 0;
    },
  },

  "agent disable": {
    usage: "agent disable AGENT_ID",
    remote: true,
    run(ctx, p) {
      noMoreArgs(p, 1);
      return setDisabled(ctx, arg(p, 0, "AGENT_ID"), true);
    },
  },

  "agent enable": {
    usage: "agent enable AGENT_ID",
    remote: true,
    run(ctx, p) {
      noMoreArgs(p, 1);
      return setDisabled(ctx, arg(p, 0, "AGENT_ID"), false);
    },
  },

  "agent reset-ssh-key": {
    usage: "agent reset-ssh-key AGENT_ID",
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 1);
      const r = await ctx.api.resetAgentSshKey({ agent: arg(p, 0, "AGENT_ID") });
      const a = agentIn(r);
      const was = r.previousFingerprint ? ` (was ${r.previousFingerprint})` : "";
      ctx.io.out(`agent ${a.id} (${a.hostname}): SSH key forgotten${was}; the next key it sends is registered\n`);
      return 0;
    },
  },

  "install list": {
    usage: "install list [--json]",
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const installs = (await ctx.api.listInstalls({})).installs.map(installOf);
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
    remote: true,
    async run(ctx, p) {
      const id = arg(p, 0, "INSTALL_ID");
      noMoreArgs(p, 1);
      const { resetGeneration } = await ctx.api.resetInstall({ installId: id });
      ctx.io.out(`install "${id}" reset (reset generation ${resetGeneration}): it may try to activate again\n`);
      return 0;
    },
  },
};
