/**
 * TOTP enrolment in two steps, the recovery codes it hands out (shown once,
 * kept hashed), turning it off and new codes (both confirmed by the user),
 * and an admin's reset.
 */
import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { PASSWORD, accountsWorld, attempt } from "../../../test/support/accounts-fixture.ts";
import { existsSync, readFileSync } from "node:fs";
import { DcaError } from "../../common/errors.ts";
import { hashRecoveryCode } from "./second-factor.ts";

/** The code and reason of what `f` throws or rejects with, or "resolved". */
async function refusal(f: () => unknown): Promise<string> {
  try {
    await f();
    return "resolved";
  } catch (e) {
    if (!(e instanceof DcaError)) throw e;
    return `${e.code}${e.reason ? `/${e.reason}` : ""}`;
  }
}

describe("TOTP enrolment", () => {
  test("begin (confirmed by the password) gives the URI and QR codes; nothing changes until confirmed", async () => {
    const w = accountsWorld();
    const u = await w.userWithPassword("wendy");
    expect(await refusal(() => w.totp.beginTotpEnrolment(u.id, { password: "not the password" }))).toBe("unauthenticated/bad-proof");
    const e = await w.totp.beginTotpEnrolment(u.id, { password: PASSWORD });
    expect(e.uri).toStartWith("otpauth://totp/dca%20test%20hub:wendy?");
    expect(new URL(e.uri).searchParams.get("secret")).toBe(e.secret);
    expect(new URL(e.uri).searchParams.get("issuer")).toBe("dca test hub");
    expect(e.qrTerminal).toContain("█");
    expect(e.qrSvg).toStartWith("<svg");
    expect(w.store.userSecrets(u.id)).toMatchObject({ totpPendingSecret: e.secret, totpSecret: "" });
    expect(w.store.getUser(u.id)?.totpEnabledAt).toBeUndefined();
    expect((await w.signIn.checkPassword(attempt("wendy"))).outcome).toBe("ok");
  });

  test("confirm needs a current code of the pending secret, then hands out 10 recovery codes kept only as hashes", async () => {
    const w = accountsWorld();
    const u = await w.userWithPassword("xena");
    expect(await refusal(() => w.totp.confirmTotpEnrolment(u.id, "123456"))).toBe("failed-precondition/not-pending");
    const { secret } = await w.totp.beginTotpEnrolment(u.id, { password: PASSWORD });
    expect(await refusal(() => w.totp.confirmTotpEnrolment(u.id, w.code(secret, 2)))).toBe("invalid-argument/bad-code");
    const { user, recoveryCodes } = w.totp.confirmTotpEnrolment(u.id, w.code(secret, -1));
    expect(user.totpEnabledAt).toEqual(new Date(w.clock.now()));
    expect(recoveryCodes).toHaveLength(10);
    expect(w.store.userSecrets(u.id)).toMatchObject({ totpSecret: secret, totpPendingSecret: "" });
    expect(w.totp.recoveryCodesLeft(u.id)).toBe(10);
    const db = new Database(w.store.path, { readonly: true });
    try {
      const stored = db.query<{ code_hash: string }, []>("SELECT code_hash FROM user_recovery_codes ORDER BY code_hash").all().map((r) => r.code_hash);
      expect(stored).toEqual(recoveryCodes.map(hashRecoveryCode).sort());
    } finally {
      db.close();
    }
    const files = [w.store.path, `${w.store.path}-wal`].filter(existsSync).map((f) => readFileSync(f).toString("latin1"));
    for (const c of recoveryCodes) for (const f of files) expect(f.includes(c) || f.includes(c.replaceAll("-", ""))).toBe(false);
    expect((await w.signIn.checkPassword(attempt("xena"))).outcome).toBe("second-factor");
    expect(await refusal(() => w.totp.beginTotpEnrolment(u.id, { password: PASSWORD }))).toBe("failed-precondition/totp-on");
  });

  test("turning it off needs the password or a code; then the password alone signs in", async () => {
    const w = accountsWorld();
    const { user, secret } = await w.userWithTotp("yuri");
    await w.clock.advance(30_000);
    expect(await refusal(() => w.totp.disableTotp(user.id, { code: "000000" }))).toBe("unauthenticated/bad-proof");
    const off = await w.totp.disableTotp(user.id, { code: w.code(secret) });
    expect(off.totpEnabledAt).toBeUndefined();
    expect(w.totp.recoveryCodesLeft(user.id)).toBe(0);
    expect((await w.signIn.checkPassword(attempt("yuri"))).outcome).toBe("ok");
    expect(await refusal(() => w.totp.disableTotp(user.id, { password: PASSWORD }))).toBe("failed-precondition/no-totp");
  });

  test("new recovery codes void the old ones; a recovery code can confirm it is you (and is used up)", async () => {
    const w = accountsWorld();
    const { user, recoveryCodes: old } = await w.userWithTotp("zoe");
    const fresh = await w.totp.regenerateRecoveryCodes(user.id, { code: old[0] });
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(old[1]);
    const challenge = await w.signIn.checkPassword(attempt("zoe"));
    if (challenge.outcome !== "second-factor") throw new Error("expected a second factor");
    expect(w.signIn.checkSecondFactor({ challenge: challenge.challenge, code: old[1], address: "192.0.2.10" })).toMatchObject({ reason: "bad-code" });
    expect(w.signIn.checkSecondFactor({ challenge: challenge.challenge, code: fresh[0], address: "192.0.2.10" })).toMatchObject({ outcome: "ok" });
    expect(await refusal(() => w.totp.regenerateRecoveryCodes(user.id, { code: fresh[0] }))).toBe("unauthenticated/bad-proof");
  });

  test("an admin reset turns TOTP off without a proof; with require2fa the user must enrol again", async () => {
    const w = accountsWorld();
    const { user } = await w.userWithTotp("abe");
    w.set({ require2fa: true });
    expect(w.totp.resetTotp(user.id).totpEnabledAt).toBeUndefined();
    expect((await w.signIn.checkPassword(attempt("abe"))).outcome).toBe("enrol-2fa");
  });
});
