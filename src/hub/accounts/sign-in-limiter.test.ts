/**
 * Sign-in rate limits: token buckets per account and per address on a
 * manual clock, their bound, and how the sign-in steps answer when over.
 */
import { describe, expect, spyOn, test } from "bun:test";
import { accountsWorld, attempt } from "../../../test/support/accounts-fixture.ts";
import { manualClock } from "../../../test/support/manual-clock.ts";
import { SIGN_IN_RATE_LIMITED } from "./sign-in.ts";
import { createSignInLimiter } from "./sign-in-limiter.ts";

describe("the sign-in limiter", () => {
  test("10 a minute per account (any letter case), refilled over time; other accounts unaffected", async () => {
    const clock = manualClock();
    const limiter = createSignInLimiter({ clock });
    for (let i = 0; i < 10; i++) expect(limiter.take({ account: i % 2 ? "Alice" : "alice", address: `192.0.2.${i}` })).toEqual({ ok: true });
    expect(limiter.take({ account: "ALICE", address: "192.0.2.99" })).toEqual({ ok: false, retryAfterMs: 6000, limited: "account" });
    expect(limiter.take({ account: "bob", address: "192.0.2.99" }).ok).toBe(true);
    await clock.advance(5999);
    expect(limiter.take({ account: "alice", address: "192.0.2.99" })).toMatchObject({ ok: false, retryAfterMs: 1 });
    await clock.advance(1);
    expect(limiter.take({ account: "alice", address: "192.0.2.99" }).ok).toBe(true);
    expect(limiter.take({ account: "alice", address: "192.0.2.99" }).ok).toBe(false);
    await clock.advance(60_000);
    for (let i = 0; i < 10; i++) expect(limiter.take({ account: "alice", address: "192.0.2.50" }).ok).toBe(true);
    expect(limiter.take({ account: "alice", address: "192.0.2.50" }).ok).toBe(false);
  });

  test("30 a minute per address across accounts; a refused attempt takes from neither bucket", async () => {
    const clock = manualClock();
    const limiter = createSignInLimiter({ clock });
    for (let i = 0; i < 30; i++) expect(limiter.take({ account: `user${i}`, address: "198.51.100.7" }).ok).toBe(true);
    expect(limiter.take({ account: "fresh", address: "198.51.100.7" })).toEqual({ ok: false, retryAfterMs: 2000, limited: "address" });
    expect(limiter.take({ account: "fresh", address: "198.51.100.8" }).ok).toBe(true);
    // "fresh" lost nothing to the refused try: 9 more from elsewhere pass, the 10th does not.
    for (let i = 0; i < 9; i++) expect(limiter.take({ account: "fresh", address: `203.0.113.${i}` }).ok).toBe(true);
    expect(limiter.take({ account: "fresh", address: "203.0.113.200" })).toMatchObject({ ok: false, limited: "account" });
  });

  test("the maps are bounded: idle (full) buckets go first, then the oldest", async () => {
    const clock = manualClock();
    const limiter = createSignInLimiter({ clock, maxKeys: 3, perAccountPerMinute: 2, perAddressPerMinute: 1000 });
    limiter.take({ account: "a", address: "x" });
    limiter.take({ account: "a", address: "x" });
    expect(limiter.take({ account: "a", address: "x" }).ok).toBe(false);
    limiter.take({ account: "b", address: "x" });
    await clock.advance(60_000); // b is full again, a too
    limiter.take({ account: "a", address: "x" });
    limiter.take({ account: "a", address: "x" });
    limiter.take({ account: "c", address: "x" });
    limiter.take({ account: "d", address: "x" }); // room made by dropping b (full), not a (empty)
    expect(limiter.take({ account: "a", address: "x" }).ok).toBe(false);
    limiter.take({ account: "e", address: "x" }); // none full: the oldest (a) goes
    expect(limiter.take({ account: "a", address: "x" }).ok).toBe(true);
  });
});

describe("rate-limited sign-ins", () => {
  test("the password step answers 'wait a minute' without a verify or a counted failure, for existing and unknown users alike", async () => {
    const w = accountsWorld({ limits: { perAccountPerMinute: 3, perAddressPerMinute: 30 } });
    const u = await w.userWithPassword("ben");
    for (let i = 0; i < 3; i++) await w.signIn.checkPassword(attempt("ben", "not the password"));
    const verify = spyOn(Bun.password, "verify");
    try {
      for (const name of ["ben", "BEN"]) {
        const r = await w.signIn.checkPassword(attempt(name));
        expect(r).toMatchObject({ outcome: "refused", reason: "rate-limited", code: "resource-exhausted", message: SIGN_IN_RATE_LIMITED, retryAfterMs: 20_000, userId: u.id });
      }
      expect(verify).not.toHaveBeenCalled();
    } finally {
      verify.mockRestore();
    }
    expect(w.store.getUser(u.id)?.failedSignIns).toBe(3);
    for (let i = 0; i < 3; i++) await w.signIn.checkPassword(attempt("nobody", "x"));
    expect(await w.signIn.checkPassword(attempt("nobody"))).toMatchObject({ reason: "rate-limited", message: SIGN_IN_RATE_LIMITED });
    expect(SIGN_IN_RATE_LIMITED).toBe("sign-in refused: too many sign-in attempts; wait a minute");
    await w.clock.advance(20_000);
    expect((await w.signIn.checkPassword(attempt("ben"))).outcome).toBe("ok");
  });

  test("an overlong username is refused like an unknown one, and only its start keys the limiter", async () => {
    const w = accountsWorld({ limits: { perAccountPerMinute: 2, perAddressPerMinute: 30 } });
    const long = "a".repeat(100_000);
    expect(await w.signIn.checkPassword(attempt(`${long}1`))).toMatchObject({ reason: "unknown-user" });
    expect(await w.signIn.checkPassword(attempt(`${long}2`))).toMatchObject({ reason: "unknown-user" });
    expect(await w.signIn.checkPassword(attempt(`${long}3`))).toMatchObject({ reason: "rate-limited" });
  });

  test("the second-factor step counts against the same account and address buckets", async () => {
    const w = accountsWorld({ limits: { perAccountPerMinute: 3, perAddressPerMinute: 30 } });
    const { secret } = await w.userWithTotp("cleo");
    await w.clock.advance(60_000);
    const first = await w.signIn.checkPassword(attempt("cleo"));
    if (first.outcome !== "second-factor") throw new Error("expected a second factor");
    for (let i = 0; i < 2; i++) w.signIn.checkSecondFactor({ challenge: first.challenge, code: "000000", address: "192.0.2.10" });
    const r = w.signIn.checkSecondFactor({ challenge: first.challenge, code: w.code(secret), address: "192.0.2.10" });
    expect(r).toMatchObject({ outcome: "refused", reason: "rate-limited" });
    await w.clock.advance(20_000);
    expect(w.signIn.checkSecondFactor({ challenge: first.challenge, code: w.code(secret), address: "192.0.2.10" })).toMatchObject({ outcome: "ok" });
  });
});
