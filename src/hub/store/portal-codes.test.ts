/**
 * The portal's one-time codes in the store: only hashes kept, a sign-in
 * link taken once, expired ones pruned, at most MAX_SIGN_IN_LINKS held (the
 * oldest dropped), and the first owner made only with the live setup code
 * on a store with no user.
 */
import { describe, expect, test } from "bun:test";
import { tempDataDir, testClock } from "../../../test/support/hub-store-fixtures.ts";
import { MAX_SIGN_IN_LINKS, openHubStore } from "./index.ts";

function fresh() {
  const clock = testClock();
  return { clock, store: openHubStore(tempDataDir(), { clock }) };
}

describe("portal codes", () => {
  test("a sign-in link is kept as a hash only and taken once", () => {
    const { store } = fresh();
    const u = store.createUser({ username: "alice" });
    const { code } = store.mintSignInLink(u.id, 60_000);
    expect(JSON.stringify(store.getSetting("portal.sign_in_links"))).not.toContain(code);
    expect(store.takeSignInLink(code)).toBe(u.id);
    expect(store.takeSignInLink(code)).toBeUndefined();
    expect(store.takeSignInLink("not a code")).toBeUndefined();
  });

  test("expired links are refused and pruned; the newest MAX_SIGN_IN_LINKS are kept", () => {
    const { store, clock } = fresh();
    const u = store.createUser({ username: "bob" });
    const old = store.mintSignInLink(u.id, 1_000);
    clock.advance(1_001);
    expect(store.takeSignInLink(old.code)).toBeUndefined();
    const codes = Array.from({ length: MAX_SIGN_IN_LINKS + 1 }, () => store.mintSignInLink(u.id, 60_000).code);
    expect((store.getSetting("portal.sign_in_links") as unknown[]).length).toBe(MAX_SIGN_IN_LINKS);
    expect(store.takeSignInLink(codes[0]!)).toBeUndefined();
    expect(store.takeSignInLink(codes[MAX_SIGN_IN_LINKS]!)).toBe(u.id);
  });

  test("the first owner: only with the live setup code, only while there is no user", () => {
    const { store, clock } = fresh();
    expect(store.hasUsers()).toBe(false);
    const early = store.mintSetupCode(60_000);
    const { code } = store.mintSetupCode(60_000);
    expect(JSON.stringify(store.getSetting("portal.setup_code"))).not.toContain(code);
    // A new code replaces the one before.
    expect(() => store.claimFirstOwner(early.code, { username: "alice" })).toThrow(/wrong or expired/);
    clock.advance(60_001);
    expect(() => store.claimFirstOwner(code, { username: "alice" })).toThrow(/wrong or expired/);
    const live = store.mintSetupCode(60_000);
    const owner = store.claimFirstOwner(live.code, { username: "alice" });
    expect(store.hasUsers()).toBe(true);
    expect(store.listGrants(owner.id).map((g) => [g.role, g.siteId ?? null])).toEqual([["owner", null]]);
    expect(store.getSetting("portal.setup_code")).toBeUndefined();
    const later = store.mintSetupCode(60_000);
    expect(() => store.claimFirstOwner(later.code, { username: "mallory" })).toThrow(/already has its owner/);
  });
});
