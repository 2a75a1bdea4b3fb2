/**
 * The suite of ReleaseStore, what self-update needs kept: releases (a second
 * add of the same file changes its channel and URL), revocation lists by
 * serial, and each site's update policy.
 */
import { describe, expect, test } from "bun:test";
import type { NewRelease, ReleaseStore } from "../../../src/hub/store/index.ts";
import { type OpenStore, codeOf, storesUnderTest } from "./store-under-test.ts";

const release = (version: string, sha: string): NewRelease => ({
  sha256: sha.repeat(64),
  name: "dca",
  version,
  target: "linux-x64",
  size: 1234,
  channel: "beta",
  url: "",
  signature: "{}",
  keyId: "ed25519:0123456789abcdef",
});

/** Runs every ReleaseStore test on the stores `open` makes; `name` names the implementation. */
export function describeReleaseStore(name: string, open: OpenStore): void {
  describe(`${name} as ReleaseStore`, () => {
    const opened = storesUnderTest<ReleaseStore>(open);

    test("releases are kept, listed newest first, and a second add changes channel and URL only", () => {
      const { store, clock } = opened();
      expect(store.addRelease(release("0.2.0", "a")).added).toBe(true);
      clock.advance(1000);
      store.addRelease(release("0.3.0", "b"));
      expect(store.listReleases().map((r) => r.version)).toEqual(["0.3.0", "0.2.0"]);
      const again = store.addRelease({ ...release("9.9.9", "a"), channel: "stable", url: "https://cdn.example/dca" });
      expect(again.added).toBe(false);
      expect(store.getRelease("a".repeat(64))).toMatchObject({ version: "0.2.0", channel: "stable", url: "https://cdn.example/dca", size: 1234 });
      expect(store.getRelease("c".repeat(64))).toBeUndefined();
    });

    test("revocation lists: one per serial, the highest is the newest", () => {
      const { store } = opened();
      expect(store.newestRevocationList()).toBeUndefined();
      expect(store.addRevocationList(2, "two")).toBe(true);
      expect(store.addRevocationList(1, "one")).toBe(true);
      expect(store.addRevocationList(2, "other")).toBe(false);
      expect(store.newestRevocationList()).toEqual({ serial: 2, list: "two" });
    });

    test("a site's update policy: stable, any time, 10 minutes to be healthy, until changed", () => {
      const { store, rest } = opened();
      const site = rest.createSite("Acme");
      expect(store.getUpdatePolicy(site.id)).toEqual({ channel: "stable", window: "", hold: false, healthSeconds: 600 });
      expect(store.setUpdatePolicy(site.id, { channel: "beta", window: "Sat 01:00-05:00" })).toEqual({
        channel: "beta",
        window: "Sat 01:00-05:00",
        hold: false,
        healthSeconds: 600,
      });
      expect(store.setUpdatePolicy(site.id, { hold: true }).hold).toBe(true);
      expect(store.getUpdatePolicy(site.id)).toMatchObject({ channel: "beta", hold: true });
      expect(codeOf(() => store.getUpdatePolicy("site_nope"))).toBe("not-found");
      expect(codeOf(() => store.setUpdatePolicy("site_nope", { hold: true }))).toBe("not-found");
    });
  });
}
