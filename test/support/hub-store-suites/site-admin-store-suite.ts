/**
 * The suite of SiteAdminStore, what the `site` admin commands need: sites
 * found by id or name, and their agent config, versioned.
 */
import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { SnmpCredentialSchema } from "../../../src/gen/dca/v1/agent_service_pb.ts";
import { SnmpVersion } from "../../../src/gen/dca/v1/reading_pb.ts";
import { type SiteAdminStore, StoreError } from "../../../src/hub/store/index.ts";
import { type OpenStore, codeOf, storesUnderTest } from "./store-under-test.ts";

/** Runs every SiteAdminStore test on the stores `open` makes; `name` names the implementation. */
export function describeSiteAdminStore(name: string, open: OpenStore): void {
  describe(`${name} as SiteAdminStore`, () => {
    const opened = storesUnderTest<SiteAdminStore>(open);

    describe("sites", () => {
      test("are created, found by id or name, and listed by name", () => {
        const { store, clock } = opened();
        const b = store.createSite("  Beta Office ");
        const a = store.createSite("Alpha");
        expect(b).toEqual({ id: expect.stringMatching(/^site_[0-9a-z]{16}$/), name: "Beta Office", createdAt: new Date(clock.ms) });
        expect(store.getSite(b.id)).toEqual(b);
        expect(store.getSite("beta office")).toEqual(b);
        expect(store.getSite("Gamma")).toBeUndefined();
        expect(store.listSites().map((s) => s.name)).toEqual(["Alpha", "Beta Office"]);
        expect(a.id).not.toBe(b.id);
      });

      test("names are unique (in any case), 1 to 100 characters, and do not look like ids", () => {
        const { store } = opened();
        store.createSite("Acme");
        expect(() => store.createSite("ACME")).toThrow(/already exists/);
        expect(codeOf(() => store.createSite("acme"))).toBe("already-exists");
        expect(codeOf(() => store.createSite(" "))).toBe("invalid-argument");
        expect(codeOf(() => store.createSite("x".repeat(101)))).toBe("invalid-argument");
        expect(store.createSite("x".repeat(100)).name).toHaveLength(100);
        expect(codeOf(() => store.createSite("site_abc"))).toBe("invalid-argument");
        expect(codeOf(() => store.createSite("bad\nname"))).toBe("invalid-argument");
      });
    });

    describe("site config", () => {
      test("starts at version 1 with defaults and goes up by one on each change", () => {
        const { store } = opened();
        const site = store.createSite("Acme");
        const c0 = store.getSiteConfig(site.id);
        expect(c0.version).toBe(1n);
        expect(c0.targets).toEqual([]);
        expect(c0.credentials).toEqual([]);
        expect(c0.pollIntervalSeconds).toBe(0);

        const c1 = store.updateSiteConfig(site.id, (c) => {
          c.targets = ["10.0.0.0/24"];
          c.credentials.push(create(SnmpCredentialSchema, { name: "office", version: SnmpVersion.V2C, community: "pub-secret" }));
          c.version = 99n; // not the mutation's to set
        });
        expect(c1.version).toBe(2n);
        const again = store.getSiteConfig(site.id);
        expect(again.version).toBe(2n);
        expect(again.credentials[0]).toMatchObject({ name: "office", community: "pub-secret" });
        expect(store.updateSiteConfig(site.id, (c) => void (c.pollIntervalSeconds = 60)).version).toBe(3n);
      });

      test("a change that throws changes nothing", () => {
        const { store } = opened();
        const site = store.createSite("Acme");
        expect(() =>
          store.updateSiteConfig(site.id, (c) => {
            c.targets.push("10.0.0.1");
            throw new StoreError("already-exists", "nope");
          }),
        ).toThrow("nope");
        expect(store.getSiteConfig(site.id)).toMatchObject({ version: 1n, targets: [] });
      });

      test("an unknown site is not-found", () => {
        const { store } = opened();
        expect(codeOf(() => store.getSiteConfig("site_nope"))).toBe("not-found");
        expect(codeOf(() => store.updateSiteConfig("site_nope", () => {}))).toBe("not-found");
      });
    });
  });
}
