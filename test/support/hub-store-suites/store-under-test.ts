/**
 * What every hub store suite runs on. An implementation hands each suite a
 * factory for fresh, empty stores on a settable clock; a suite sees the
 * store through the one interface it tests (`store`) and reaches the same
 * store's other methods only to set data up and to look at the effects
 * (`rest`), so the methods under test are called through their interface.
 * Modelled on telegraf's buffer suite (models/buffer_suite_test.go), which
 * one set of tests runs against a memory and a disk buffer.
 */
import { afterEach } from "bun:test";
import { type Agent, type AgentAdminStore, type AgentApiStore, type HubStore, type Site, type SiteAdminStore, StoreError } from "../../../src/hub/store/index.ts";
import type { TestClock } from "../hub-store-fixtures.ts";

/** A fresh, empty store and the clock it reads. */
export interface OpenedStore {
  store: HubStore;
  clock: TestClock;
}

/** Opens a fresh, empty store (a suite closes it after each test). */
export type OpenStore = () => OpenedStore;

/** The store as one suite sees it. */
export interface StoreUnderTest<S> {
  /** The interface under test: its methods are called through this only. */
  store: S;
  /** The same store's other methods: for setting data up and looking at what the methods under test did. */
  rest: Omit<HubStore, keyof S>;
  clock: TestClock;
}

/**
 * Call inside a `describe`: returns a setup that opens a store for one
 * test, and closes every store it opened after each test.
 */
export function storesUnderTest<S>(open: () => { store: HubStore & S; clock: TestClock }): () => StoreUnderTest<S> {
  const opened: HubStore[] = [];
  afterEach(() => {
    for (const s of opened.splice(0)) s.close();
  });
  return () => {
    const { store, clock } = open();
    opened.push(store);
    return { store, rest: store, clock };
  };
}

/** A new agent of the site: a code from `codes`, exchanged at `api`. */
export function newAgent(
  codes: Pick<AgentAdminStore, "createActivationCode">,
  api: Pick<AgentApiStore, "activate">,
  siteId: string,
  installId: string,
): { agent: Agent; secret: string } {
  const r = api.activate({ code: codes.createActivationCode(siteId).code, installId, hostname: installId, agentVersion: "0.1.0", platform: "linux-x64" });
  if (!r.ok) throw new Error(`activation failed: ${r.reason}`);
  return { agent: r.agent, secret: r.secret };
}

/** A new site with a new agent of it. */
export function siteWithAgent(
  sites: Pick<SiteAdminStore, "createSite">,
  codes: Pick<AgentAdminStore, "createActivationCode">,
  api: Pick<AgentApiStore, "activate">,
  siteName: string,
  installId: string,
): { site: Site; agent: Agent } {
  const site = sites.createSite(siteName);
  return { site, agent: newAgent(codes, api, site.id, installId).agent };
}

/** Sites "Site A" and "Site B", each with the targets 10.0.0.0/16 for tasks to aim at. */
export function twoSites(sites: Pick<SiteAdminStore, "createSite" | "updateSiteConfig">): { a: Site; b: Site } {
  const a = sites.createSite("Site A");
  const b = sites.createSite("Site B");
  for (const site of [a, b]) sites.updateSiteConfig(site.id, (c) => void (c.targets = ["10.0.0.0/16"]));
  return { a, b };
}

/** The StoreError code `f` throws, or what went otherwise. */
export function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof StoreError ? e.code : `not a StoreError: ${e}`;
  }
  return "no error";
}
