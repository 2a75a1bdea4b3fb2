/** Started OIDC sign-ins: taken once, expiring on a fake clock, bounded in number. */
import { describe, expect, test } from "bun:test";
import { manualClock } from "../../../test/support/manual-clock.ts";
import { createOidcPendingStore } from "./oidc-pending.ts";

const pending = (state: string) => ({ state, nonce: `n-${state}`, codeVerifier: `v-${state}` });

describe("createOidcPendingStore", () => {
  test("a sign-in is taken once: a replayed callback finds nothing", () => {
    const store = createOidcPendingStore({ clock: manualClock() });
    store.put({ ...pending("s1"), returnTo: "/sites" });
    expect(store.take<ReturnType<typeof pending> & { returnTo: string }>("s1")).toEqual({ ...pending("s1"), returnTo: "/sites" });
    expect(store.take("s1")).toBeUndefined();
    expect(store.take("never-started")).toBeUndefined();
  });

  test("a sign-in left open expires after the ttl", async () => {
    const clock = manualClock();
    const store = createOidcPendingStore({ clock, ttlMs: 60_000 });
    store.put(pending("old"));
    await clock.advance(30_000);
    store.put(pending("new"));
    await clock.advance(30_000);
    expect(store.take("old")).toBeUndefined();
    expect(store.take("new")).toEqual(pending("new"));
  });

  test("expired sign-ins are swept as new ones come", async () => {
    const clock = manualClock();
    const store = createOidcPendingStore({ clock, ttlMs: 1000 });
    for (let i = 0; i < 5; i++) store.put(pending(`s${i}`));
    await clock.advance(1000);
    store.put(pending("fresh"));
    expect(store.size()).toBe(1);
  });

  test("at most `max` at once: starting sign-ins in a loop drops the oldest", () => {
    const store = createOidcPendingStore({ clock: manualClock(), max: 3 });
    for (const s of ["a", "b", "c", "d"]) store.put(pending(s));
    expect(store.size()).toBe(3);
    expect(store.take("a")).toBeUndefined();
    expect(store.take("d")).toEqual(pending("d"));
  });
});
