/**
 * A user's second factor: the TOTP secret (pending while the user has not yet
 * proved the authenticator app has it, then confirmed), the last time step
 * accepted, and the one-time recovery codes, kept as SHA-256 only. The TOTP
 * secret itself must be kept readable: verifying a code needs it (the
 * database file is 0600, as for the sites' SNMP secrets).
 *
 * The replay guard is one conditional UPDATE (`advanceTotpStep`), and using a
 * recovery code one conditional UPDATE (`useRecoveryCode`): two sign-ins racing
 * with the same code cannot both win, in one process or two.
 */
import type { StoreContext } from "./store-context.ts";
import { StoreError } from "./store-error.ts";
import { USER_COLUMNS, type User, type UserRow, toUser } from "./users.ts";

/** The TOTP and recovery-code methods of the store. */
export function createUserSecondFactor(ctx: StoreContext) {
  const { db } = ctx;
  const reread = (id: string): User => {
    const r = db.query<UserRow, [string]>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`).get(id);
    if (!r) throw new StoreError("not-found", `unknown user "${id}"`);
    return toUser(r);
  };
  const insertCodes = (id: string, hashes: readonly string[]) => {
    const now = ctx.now().getTime();
    db.run("DELETE FROM user_recovery_codes WHERE user_id = ?", [id]);
    const add = db.prepare("INSERT INTO user_recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)");
    for (const h of hashes) add.run(id, h, now);
  };

  return {
    /** Keeps a TOTP secret the user has still to confirm with a code (replacing any pending one). */
    setTotpPending(id: string, secret: string): void {
      ctx.write(() => {
        if (db.run("UPDATE users SET totp_pending_secret = ? WHERE id = ?", [secret, id]).changes === 0) {
          throw new StoreError("not-found", `unknown user "${id}"`);
        }
      });
    },

    /**
     * Makes the pending secret the user's TOTP secret, with `step` (the one that confirmed it) as
     * the last step used and `recoveryCodeHashes` as the only recovery codes. `failed-precondition`
     * when nothing is pending any more (confirmed or cancelled meanwhile).
     */
    enableTotp(id: string, step: number, recoveryCodeHashes: readonly string[]): User {
      return ctx.write(() => {
        const done = db.run(
          "UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = '', totp_enabled_at = ?, totp_last_step = ? WHERE id = ? AND totp_pending_secret <> ''",
          [ctx.now().getTime(), step, id],
        );
        if (done.changes === 0) {
          reread(id);
          throw new StoreError("failed-precondition", "no two-factor enrolment is pending; start the enrolment again");
        }
        insertCodes(id, recoveryCodeHashes);
        return reread(id);
      });
    },

    /** Removes the second factor: secret, pending secret, replay step and recovery codes. */
    clearTotp(id: string): User {
      return ctx.write(() => {
        const done = db.run(
          "UPDATE users SET totp_secret = '', totp_pending_secret = '', totp_enabled_at = NULL, totp_last_step = 0 WHERE id = ?",
          [id],
        );
        if (done.changes === 0) throw new StoreError("not-found", `unknown user "${id}"`);
        db.run("DELETE FROM user_recovery_codes WHERE user_id = ?", [id]);
        return reread(id);
      });
    },

    /** Records `step` as the last TOTP step used; false (nothing changed) when it is not after the last one: a replay. */
    advanceTotpStep(id: string, step: number): boolean {
      return ctx.write(() => db.run("UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?", [step, id, step]).changes === 1);
    },

    /** Replaces the user's recovery codes (the old ones are void). */
    replaceRecoveryCodes(id: string, hashes: readonly string[]): void {
      ctx.write(() => {
        reread(id);
        insertCodes(id, hashes);
      });
    },

    /** Marks the unused code with this hash used; false when the user has no such unused code. */
    useRecoveryCode(id: string, hash: string): boolean {
      return ctx.write(
        () =>
          db.run("UPDATE user_recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL", [ctx.now().getTime(), id, hash])
            .changes === 1,
      );
    },

    /** How many of the user's recovery codes are still unused. */
    recoveryCodesLeft(id: string): number {
      return ctx.read(
        () => db.query<{ n: number }, [string]>("SELECT COUNT(*) AS n FROM user_recovery_codes WHERE user_id = ? AND used_at IS NULL").get(id)?.n ?? 0,
      );
    },
  };
}
