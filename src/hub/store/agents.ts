/**
 * Agents: authentication by id and secret, the heartbeat they report, and
 * listings. The store keeps only SHA-256 of each secret.
 */
import { hashSecret, sameHash } from "./ids.ts";
import { type StoreContext, optDate } from "./store-context.ts";
import { StoreError } from "./store-error.ts";
import type { Agent, PollInfo, SshKeyRegistration } from "./types.ts";

/** An agents row as SQLite returns it. */
export interface AgentRow {
  id: string;
  site_id: string;
  install_id: string;
  secret_hash: Uint8Array;
  hostname: string;
  agent_version: string;
  platform: string;
  created_at: number;
  last_poll_at: number | null;
  config_version: number;
  outbox_depth: number;
  outbox_bytes: number;
  dropped_readings: number;
  known_devices: number;
  last_error: string;
  readings_received: number;
  disabled: number;
  replaced_by: string | null;
  update_status: string;
  ssh_public_key: string;
}

/** The public form of a row (without the secret hash). */
export function toAgent(r: AgentRow): Agent {
  return {
    id: r.id,
    siteId: r.site_id,
    installId: r.install_id,
    hostname: r.hostname,
    agentVersion: r.agent_version,
    platform: r.platform,
    createdAt: new Date(r.created_at),
    lastPollAt: optDate(r.last_poll_at),
    configVersion: r.config_version,
    outboxDepth: r.outbox_depth,
    outboxBytes: r.outbox_bytes,
    droppedReadings: r.dropped_readings,
    knownDevices: r.known_devices,
    lastError: r.last_error,
    readingsReceived: r.readings_received,
    disabled: r.disabled !== 0,
    replacedBy: r.replaced_by ?? undefined,
    updateStatus: r.update_status,
    sshPublicKey: r.ssh_public_key,
  };
}

// Compared against when the agent id is unknown, so that a miss costs the same as a wrong secret.
const NO_AGENT_HASH = hashSecret("no such agent");

/** Longest text kept from an agent's heartbeat (hostname, version, last error). */
const MAX_TEXT = 1000;

const clip = (s: string) => (s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) : s);
const count = (n: bigint) => Number(n > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : n < 0n ? 0n : n);

/** The agent methods of the store. */
export function createAgents(ctx: StoreContext) {
  const { db } = ctx;
  const byId = (id: string) => db.query<AgentRow, [string]>("SELECT * FROM agents WHERE id = ?").get(id);

  function getAgent(id: string): Agent | undefined {
    return ctx.read(() => {
      const r = byId(id);
      return r ? toAgent(r) : undefined;
    });
  }

  return {
    getAgent,

    authenticateAgent(agentId: string, secret: string): Agent | undefined {
      return ctx.read(() => {
        const r = byId(agentId);
        const ok = sameHash(hashSecret(secret), r ? new Uint8Array(r.secret_hash) : NO_AGENT_HASH);
        if (!r || !ok || r.disabled !== 0 || r.replaced_by !== null) return undefined;
        return toAgent(r);
      });
    },

    recordPoll(agentId: string, info: PollInfo): void {
      ctx.write(() => {
        const changes = db.run(
          `UPDATE agents SET last_poll_at = ?, config_version = ?, outbox_depth = ?, outbox_bytes = ?, dropped_readings = ?,
             agent_version = ?, hostname = ?, last_error = ?, known_devices = ?, update_status = coalesce(?, update_status) WHERE id = ?`,
          [
            ctx.now().getTime(),
            count(info.configVersion),
            count(info.outboxDepth),
            count(info.outboxBytes),
            count(info.droppedReadings),
            clip(info.agentVersion),
            clip(info.hostname),
            clip(info.lastError),
            Math.max(0, Math.trunc(info.knownDevices)),
            info.updateStatus === undefined ? null : clip(info.updateStatus),
            agentId,
          ],
        ).changes;
        if (changes === 0) throw new StoreError("not-found", `unknown agent "${agentId}"`);
      });
    },

    listAgents(siteId?: string): Agent[] {
      return ctx.read(() => {
        const rows =
          siteId === undefined
            ? db.query<AgentRow, []>("SELECT * FROM agents ORDER BY created_at, rowid").all()
            : db.query<AgentRow, [string]>("SELECT * FROM agents WHERE site_id = ? ORDER BY created_at, rowid").all(siteId);
        return rows.map(toAgent);
      });
    },

    /** Enabled, current agents that have a mosquitto hash: what an external broker's password file lists. */
    mqttPasswordEntries(): { agentId: string; hash: string }[] {
      return ctx.read(() =>
        db
          .query<{ id: string; mqtt_hash: string }, []>(
            "SELECT id, mqtt_hash FROM agents WHERE disabled = 0 AND replaced_by IS NULL AND mqtt_hash <> '' ORDER BY id",
          )
          .all()
          .map((r) => ({ agentId: r.id, hash: r.mqtt_hash })),
      );
    },

    registerSshKey(agentId: string, key: string): SshKeyRegistration {
      return ctx.write(() => {
        // The first key an agent sends is its key; a different one later is refused, not swapped in.
        db.run("UPDATE agents SET ssh_public_key = ? WHERE id = ? AND ssh_public_key = ''", [key, agentId]);
        const r = byId(agentId);
        if (!r) throw new StoreError("not-found", `unknown agent "${agentId}"`);
        return r.ssh_public_key === key ? "registered" : "refused";
      });
    },

    resetSshKey(agentId: string): Agent {
      return ctx.write(() => {
        db.run("UPDATE agents SET ssh_public_key = '' WHERE id = ?", [agentId]);
        const r = byId(agentId);
        if (!r) throw new StoreError("not-found", `unknown agent "${agentId}"`);
        return toAgent(r);
      });
    },

    setAgentDisabled(agentId: string, disabled: boolean): Agent {
      return ctx.write(() => {
        db.run("UPDATE agents SET disabled = ? WHERE id = ?", [disabled ? 1 : 0, agentId]);
        const r = byId(agentId);
        if (!r) throw new StoreError("not-found", `unknown agent "${agentId}"`);
        return toAgent(r);
      });
    },
  };
}
