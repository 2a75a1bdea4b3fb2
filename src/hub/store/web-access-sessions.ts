/**
 * Device Web Access sessions. A row is both the live session (the proxy and
 * the relay's ForwardPolicy read it) and its audit record (who opened what,
 * when, for how long, how it ended, bytes each way), so it is never deleted.
 * Opening one also queues its web-access task, in the same transaction.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { TaskSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { newId } from "./ids.ts";
import { type StoreContext, optDate } from "./store-context.ts";
import { StoreError } from "./store-error.ts";
import type { CertificateFacts, StoredTask, WebAccessSession } from "./types.ts";
import type { Task } from "../../gen/dca/v1/agent_service_pb.ts";

/** What the opener decides; the store adds the id, the agent, the task and the times. */
export interface NewWebAccessSession {
  siteId: string;
  deviceId?: string;
  address: string;
  port: number;
  tls: boolean;
  /** Made by src/hub/webaccess (random, DNS-safe); unique. */
  label: string;
  secretHash: Uint8Array;
  forwardPath: string;
  openedBy: string;
  minutes: number;
  idleSeconds: number;
  /** Allow it beside another open session of the same device. */
  concurrent: boolean;
}

/** Counters the proxy adds up and writes now and then. */
export interface WebAccessUse {
  bytesToDevice: number;
  bytesFromDevice: number;
  channels: number;
  requests: number;
  lastActivityAt?: Date;
}

/** Ended sessions whose task the agent still holds are told to it on poll for this long. */
const ENDED_TOLD_FOR_MS = 24 * 3600_000;

interface SessionRow {
  id: string;
  label: string;
  site_id: string;
  agent_id: string;
  device_id: string | null;
  address: string;
  port: number;
  tls: number;
  forward_path: string;
  secret_hash: Uint8Array;
  task_id: string;
  opened_by: string;
  opened_at: number;
  expires_at: number;
  idle_seconds: number;
  concurrent: number;
  ended_at: number | null;
  end_reason: string;
  tunnel_up_at: number | null;
  last_activity_at: number | null;
  bytes_to_device: number;
  bytes_from_device: number;
  channels: number;
  requests: number;
  certificate: string;
}

const toSession = (r: SessionRow): WebAccessSession => ({
  id: r.id,
  label: r.label,
  siteId: r.site_id,
  agentId: r.agent_id,
  deviceId: r.device_id ?? undefined,
  address: r.address,
  port: r.port,
  tls: r.tls !== 0,
  forwardPath: r.forward_path,
  taskId: r.task_id,
  openedBy: r.opened_by,
  openedAt: new Date(r.opened_at),
  expiresAt: new Date(r.expires_at),
  idleSeconds: r.idle_seconds,
  concurrent: r.concurrent !== 0,
  endedAt: optDate(r.ended_at),
  endReason: r.end_reason,
  tunnelUpAt: optDate(r.tunnel_up_at),
  lastActivityAt: optDate(r.last_activity_at),
  bytesToDevice: r.bytes_to_device,
  bytesFromDevice: r.bytes_from_device,
  channels: r.channels,
  requests: r.requests,
  certificate: r.certificate ? (JSON.parse(r.certificate) as CertificateFacts) : undefined,
});

/** The web-access methods of the store; `createTask` comes from the task methods (its scope check applies). */
export function createWebAccessSessions(ctx: StoreContext, createTask: (siteId: string, task: Task, opts: { agentId?: string }) => StoredTask) {
  const { db } = ctx;
  const one = (where: string, ...args: (string | number)[]) =>
    ctx.read(() => {
      const r = db.query<SessionRow, (string | number)[]>(`SELECT * FROM web_access_sessions WHERE ${where}`).get(...args);
      return r ? toSession(r) : undefined;
    });

  /** The agent to send the task to: the one that last read the device, else the site's most recently polled usable agent. */
  function pickAgent(siteId: string, deviceId: string | undefined): string {
    const usable = "a.disabled = 0 AND a.replaced_by IS NULL";
    const reader = deviceId === undefined ? null : db
      .query<{ id: string }, [string, string]>(
        `SELECT a.id FROM readings r JOIN agents a ON a.id = r.agent_id WHERE r.site_id = ? AND r.device_id = ? AND ${usable} ORDER BY r.received_at DESC LIMIT 1`,
      )
      .get(siteId, deviceId);
    const any = reader ?? db.query<{ id: string }, [string]>(`SELECT a.id FROM agents a WHERE a.site_id = ? AND ${usable} ORDER BY coalesce(a.last_poll_at, 0) DESC, a.created_at DESC LIMIT 1`).get(siteId);
    if (!any) throw new StoreError("failed-precondition", "the site has no active agent to open the tunnel; activate one first (dca-hub code create SITE)");
    return any.id;
  }

  return {
    /**
     * Opens a session and queues its web-access task for the site's agent, in one
     * transaction. Refused ("already-exists") while the device has another open session,
     * unless `concurrent`; refused like any task when the address is outside the site's scope.
     */
    openWebAccessSession(s: NewWebAccessSession): WebAccessSession {
      return ctx.write(() => {
        const now = ctx.now().getTime();
        if (!s.concurrent) {
          const open = db
            .query<SessionRow, [string, string, number]>("SELECT * FROM web_access_sessions WHERE site_id = ? AND address = ? AND ended_at IS NULL AND expires_at > ? ORDER BY opened_at LIMIT 1")
            .get(s.siteId, s.address, now);
          if (open) {
            throw new StoreError(
              "already-exists",
              `${s.address} already has an open session ${open.id} (opened by ${open.opened_by}, until ${new Date(open.expires_at).toISOString()}); close it first (dca-hub web-access close ${open.id}) or pass --concurrent`,
            );
          }
        }
        const agentId = pickAgent(s.siteId, s.deviceId);
        const expiresAt = now + s.minutes * 60_000;
        const task = createTask(
          s.siteId,
          create(TaskSchema, {
            kind: { case: "webAccess", value: { address: s.address, port: s.port, forwardPath: s.forwardPath, expiresAt: timestampFromMs(expiresAt), idleSeconds: s.idleSeconds } },
          }),
          { agentId },
        );
        const id = newId("wa");
        db.run(
          `INSERT INTO web_access_sessions (id, label, site_id, agent_id, device_id, address, port, tls, forward_path, secret_hash, task_id, opened_by, opened_at, expires_at, idle_seconds, concurrent)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [id, s.label, s.siteId, agentId, s.deviceId ?? null, s.address, s.port, s.tls ? 1 : 0, s.forwardPath, s.secretHash, task.id, s.openedBy, now, expiresAt, s.idleSeconds, s.concurrent ? 1 : 0],
        );
        return toSession(db.query<SessionRow, [string]>("SELECT * FROM web_access_sessions WHERE id = ?").get(id)!);
      });
    },

    /** A session by id or host name label. */
    getWebAccessSession(idOrLabel: string): WebAccessSession | undefined {
      return one("id = ? OR label = ?", idOrLabel, idOrLabel.toLowerCase());
    },

    /** The session whose secret hashes to `hash` (a cookie names another session: say so, not just "no"). */
    webAccessSessionBySecret(hash: Uint8Array): WebAccessSession | undefined {
      return ctx.read(() => {
        const r = db.query<SessionRow, [Uint8Array]>("SELECT * FROM web_access_sessions WHERE secret_hash = ?").get(hash);
        return r ? toSession(r) : undefined;
      });
    },

    /** Whether `agentId` has a session forwarding `forwardPath` that has neither ended nor expired (the relay's ForwardPolicy). */
    isWebAccessForwardOpen(agentId: string, forwardPath: string): boolean {
      return ctx.read(
        () =>
          db
            .query<{ n: number }, [string, string, number]>("SELECT count(*) AS n FROM web_access_sessions WHERE agent_id = ? AND forward_path = ? AND ended_at IS NULL AND expires_at > ?")
            .get(agentId, forwardPath, ctx.now().getTime())!.n > 0,
      );
    },

    /** The stored SHA-256 of a session's secret. */
    webAccessSecretHash(id: string): Uint8Array | undefined {
      return ctx.read(() => db.query<{ h: Uint8Array }, [string]>("SELECT secret_hash AS h FROM web_access_sessions WHERE id = ?").get(id)?.h);
    },

    /**
     * Sessions newest first: all (the audit), the open ones (not ended; expired ones
     * included, the proxy ends them), or those ended at or after `endedSince` (ms).
     */
    listWebAccessSessions(opts: { open?: boolean; endedSince?: number; siteId?: string; limit?: number } = {}): WebAccessSession[] {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (opts.open) where.push("ended_at IS NULL");
      if (opts.endedSince !== undefined) (where.push("ended_at >= ?"), args.push(opts.endedSince));
      if (opts.siteId !== undefined) (where.push("site_id = ?"), args.push(opts.siteId));
      args.push(Math.max(1, Math.trunc(opts.limit ?? 1000)));
      return ctx.read(() =>
        db
          .query<SessionRow, (string | number)[]>(`SELECT * FROM web_access_sessions ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY opened_at DESC, rowid DESC LIMIT ?`)
          .all(...args)
          .map(toSession),
      );
    },

    /**
     * Ends a session with `reason` (the first end stands); its task is canceled if no agent
     * took it yet. Returns the session as it now is and whether this call ended it.
     */
    endWebAccessSession(id: string, reason: string): { session: WebAccessSession; ended: boolean } | undefined {
      return ctx.write(() => {
        const now = ctx.now().getTime();
        const changed = db.run("UPDATE web_access_sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL", [now, reason.slice(0, 200), id]).changes > 0;
        const r = db.query<SessionRow, [string]>("SELECT * FROM web_access_sessions WHERE id = ?").get(id);
        if (!r) return undefined;
        if (changed) {
          db.run("UPDATE tasks SET state = 'canceled', finished_at = ?, message = ? WHERE id = ? AND state = 'pending'", [now, `web-access session ended before an agent took it: ${reason}`, r.task_id]);
        }
        return { session: toSession(r), ended: changed };
      });
    },

    /** Adds the proxy's counters to the audit record. */
    recordWebAccessUse(id: string, use: WebAccessUse): void {
      ctx.write(() => {
        db.run(
          `UPDATE web_access_sessions SET bytes_to_device = bytes_to_device + ?, bytes_from_device = bytes_from_device + ?, channels = channels + ?, requests = requests + ?,
             last_activity_at = max(coalesce(last_activity_at, 0), ?) WHERE id = ?`,
          [use.bytesToDevice, use.bytesFromDevice, use.channels, use.requests, use.lastActivityAt?.getTime() ?? 0, id],
        );
      });
    },

    /** Records the first time the proxy reached the printer, and an HTTPS printer's certificate. */
    recordWebAccessTunnelUp(id: string, certificate?: CertificateFacts): void {
      ctx.write(() => {
        db.run("UPDATE web_access_sessions SET tunnel_up_at = coalesce(tunnel_up_at, ?) WHERE id = ?", [ctx.now().getTime(), id]);
        if (certificate) db.run("UPDATE web_access_sessions SET certificate = ? WHERE id = ? AND certificate = ''", [JSON.stringify(certificate), id]);
      });
    },

    /**
     * Task ids of the agent's web-access sessions that ended (or expired) while it may
     * still hold the tunnel: their task is not finished. PollResponse.ended_web_access.
     */
    endedWebAccessTasks(agentId: string): string[] {
      return ctx.read(() => {
        const now = ctx.now().getTime();
        return db
          .query<{ task_id: string }, [string, number, number, number]>(
            `SELECT w.task_id FROM web_access_sessions w JOIN tasks t ON t.id = w.task_id
             WHERE w.agent_id = ? AND t.state IN ('sent', 'running')
               AND ((w.ended_at IS NOT NULL AND w.ended_at >= ?) OR (w.ended_at IS NULL AND w.expires_at <= ? AND w.expires_at >= ?))
             ORDER BY w.opened_at LIMIT 100`,
          )
          .all(agentId, now - ENDED_TOLD_FOR_MS, now, now - ENDED_TOLD_FOR_MS)
          .map((r) => r.task_id);
      });
    },
  };
}
