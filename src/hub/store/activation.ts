/**
 * Activation: single-use codes that an admin hands to a site, exchanged by
 * an agent for its id and secret. Guessing is bounded twice: an install
 * that fails 5 times is locked until an admin resets it, and a code that
 * fails 5 times is dead. Only SHA-256 of codes and secrets is stored.
 */
import { mosquittoHash } from "../mqtt/mosquitto-passwd.ts";
import { hashCode, hashSecret, newActivationCode, newId, newSecret } from "./ids.ts";
import { type AgentRow, toAgent } from "./agents.ts";
import { type StoreContext, optDate } from "./store-context.ts";
import { StoreError } from "./store-error.ts";
import type { ActivateFailure, ActivateRequest, ActivateResult, Install, Site } from "./types.ts";

/** Failed attempts after which an install is locked, and after which a code is dead. */
export const MAX_FAILED_ATTEMPTS = 5;
/** How long a new activation code is valid unless told otherwise. */
export const DEFAULT_CODE_TTL_MS = 7 * 24 * 3600_000;
/**
 * Install rows that only record failed guesses (not locked, never reset, no
 * agent) are pruned after this long, and beyond this many, oldest first: a
 * guesser that invents a fresh install id per guess leaves no lasting trace.
 * Locked and reset rows stay (an admin and `dca unlock` need them); making one
 * costs 5 guesses.
 */
export const PRUNE_INSTALLS_AFTER_MS = DEFAULT_CODE_TTL_MS;
export const MAX_GUESS_ONLY_INSTALLS = 10_000;

const GUESS_ONLY = `failed_attempts < ${MAX_FAILED_ATTEMPTS} AND reset_generation = 0
  AND NOT EXISTS (SELECT 1 FROM agents WHERE agents.install_id = installs.install_id)`;

interface CodeRow {
  code_hash: string;
  site_id: string;
  expires_at: number;
  used_at: number | null;
  failed_attempts: number;
}

interface InstallRow {
  install_id: string;
  failed_attempts: number;
  reset_generation: number;
  last_attempt_at: number | null;
}

const toInstall = (r: InstallRow): Install => ({
  installId: r.install_id,
  failedAttempts: r.failed_attempts,
  locked: r.failed_attempts >= MAX_FAILED_ATTEMPTS,
  resetGeneration: r.reset_generation,
  lastAttemptAt: optDate(r.last_attempt_at),
});

/** The activation methods of the store; `requireSite` comes from the site methods. */
export function createActivation(ctx: StoreContext, requireSite: (idOrName: string) => Site) {
  const { db } = ctx;
  const install = (id: string) => db.query<InstallRow, [string]>("SELECT * FROM installs WHERE install_id = ?").get(id);

  return {
    createActivationCode(siteId: string, opts: { ttlMs?: number } = {}): { code: string; expiresAt: Date } {
      const ttl = opts.ttlMs ?? DEFAULT_CODE_TTL_MS;
      if (!Number.isFinite(ttl) || ttl <= 0) throw new StoreError("invalid-argument", "an activation code needs a positive lifetime");
      return ctx.write(() => {
        const site = requireSite(siteId);
        const now = ctx.now().getTime();
        const expiresAt = new Date(now + ttl);
        for (;;) {
          const code = newActivationCode();
          // A collision with a live code is astronomically rare, but must not hand out someone else's code.
          const r = db.run(
            "INSERT OR IGNORE INTO activation_codes (code_hash, site_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            [hashCode(code), site.id, now, expiresAt.getTime()],
          );
          if (r.changes === 1) return { code, expiresAt };
        }
      });
    },

    activate(req: ActivateRequest): ActivateResult {
      const installId = req.installId.trim();
      if (installId === "") throw new StoreError("invalid-argument", "an activation needs an install id");
      return ctx.write((): ActivateResult => {
        const now = ctx.now().getTime();
        db.run("INSERT OR IGNORE INTO installs (install_id) VALUES (?)", [installId]);
        const inst = install(installId)!;

        const fail = (reason: ActivateFailure, codeHash?: string): ActivateResult => {
          // A locked install stays at its count: the lock, not the number, is what matters.
          const add = reason === "install-locked" ? 0 : 1;
          db.run("UPDATE installs SET failed_attempts = failed_attempts + ?, last_attempt_at = ? WHERE install_id = ?", [add, now, installId]);
          if (codeHash) db.run("UPDATE activation_codes SET failed_attempts = failed_attempts + 1 WHERE code_hash = ?", [codeHash]);
          db.run(`DELETE FROM installs WHERE ${GUESS_ONLY} AND last_attempt_at < ?`, [now - PRUNE_INSTALLS_AFTER_MS]);
          db.run(
            `DELETE FROM installs WHERE install_id IN (SELECT install_id FROM installs WHERE ${GUESS_ONLY}
               ORDER BY last_attempt_at DESC, install_id LIMIT -1 OFFSET ?)`,
            [MAX_GUESS_ONLY_INSTALLS],
          );
          const failedAttempts = inst.failed_attempts + add;
          return { ok: false, reason, failedAttempts, attemptsLeft: Math.max(0, MAX_FAILED_ATTEMPTS - failedAttempts) };
        };

        if (inst.failed_attempts >= MAX_FAILED_ATTEMPTS) return fail("install-locked");
        const code = db.query<CodeRow, [string]>("SELECT * FROM activation_codes WHERE code_hash = ?").get(hashCode(req.code));
        if (!code) return fail("invalid");
        if (code.failed_attempts >= MAX_FAILED_ATTEMPTS) return fail("invalid", code.code_hash);
        if (code.used_at !== null) return fail("used", code.code_hash);
        if (now >= code.expires_at) return fail("expired", code.code_hash);

        const site = requireSite(code.site_id);
        const secret = newSecret();
        const agentId = newId("agt");
        // mqtt_hash: the same secret in mosquitto's form, for a password file of an external broker.
        db.run(
          `INSERT INTO agents (id, site_id, install_id, secret_hash, mqtt_hash, hostname, agent_version, platform, created_at, ssh_public_key)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [agentId, site.id, installId, hashSecret(secret), mosquittoHash(secret), req.hostname.slice(0, 255), req.agentVersion.slice(0, 100), req.platform.slice(0, 100), now, req.sshPublicKey ?? ""],
        );
        // The install starts over on this site: its earlier agent there stops authenticating.
        db.run("UPDATE agents SET replaced_by = ? WHERE install_id = ? AND site_id = ? AND id <> ? AND replaced_by IS NULL", [
          agentId,
          installId,
          site.id,
          agentId,
        ]);
        db.run("UPDATE activation_codes SET used_at = ?, used_by_agent = ? WHERE code_hash = ?", [now, agentId, code.code_hash]);
        // Holding a real code proves the earlier failures were typos, not guessing.
        db.run("UPDATE installs SET failed_attempts = 0, last_attempt_at = ? WHERE install_id = ?", [now, installId]);
        const row = db.query<AgentRow, [string]>("SELECT * FROM agents WHERE id = ?").get(agentId)!;
        return { ok: true, agent: toAgent(row), secret, site };
      });
    },

    checkLockout(installId: string): { failedAttempts: number; resetGeneration: number } {
      return ctx.read(() => {
        const r = install(installId.trim());
        return { failedAttempts: r?.failed_attempts ?? 0, resetGeneration: r?.reset_generation ?? 0 };
      });
    },

    resetInstall(installId: string): { resetGeneration: number } {
      return ctx.write(() => {
        const id = installId.trim();
        const r = db.run("UPDATE installs SET failed_attempts = 0, reset_generation = reset_generation + 1 WHERE install_id = ?", [id]);
        if (r.changes === 0) throw new StoreError("not-found", `unknown install "${id}"; see "dca-hub install list"`);
        return { resetGeneration: install(id)!.reset_generation };
      });
    },

    listInstalls(): Install[] {
      return ctx.read(() =>
        db.query<InstallRow, []>("SELECT * FROM installs ORDER BY last_attempt_at DESC, install_id").all().map(toInstall),
      );
    },
  };
}
