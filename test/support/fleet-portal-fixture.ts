/**
 * The fleet pages' tests: the portal's tiny browser (portal-fixture.ts) over
 * the fleet views' fixture (fleet-views-fixture.ts: sites North and South,
 * five devices with known facts, at a known now), signed in as a new person
 * holding one role, globally or on one site (a session made in the store,
 * put in the browser's cookie jar: the sign-in forms have their own tests).
 */
import { SESSION_COOKIE } from "../../src/hub/portal/cookies.ts";
import { type FleetViewsFixture, fleetViewsFixture } from "./fleet-views-fixture.ts";
import { type PortalBrowser, portalBrowser } from "./portal-fixture.ts";

/** The fleet, and browsers signed in as people of the roles a test needs. */
export interface FleetPortal {
  f: FleetViewsFixture;
  /** A browser signed in as a new person with `role` (on `site`, a name or id, when given; "" for no role at all). */
  as(role: string, site?: string): PortalBrowser;
  /** GET `path` as `b`, expecting 200; the body. */
  page(b: PortalBrowser, path: string, headers?: Record<string, string>): Promise<string>;
}

/** The fleet and a way to open its pages as someone. */
export function fleetPortal(): FleetPortal {
  const f = fleetViewsFixture();
  let n = 0;
  return {
    f,
    as(role, site) {
      const b = portalBrowser({ harness: f });
      const user = f.store.createUser({ username: `${role || "nobody"}-${++n}`, createdBy: "test" });
      const siteId = site === undefined ? undefined : (f.store.getSite(site)?.id ?? site);
      if (role) f.store.grantRole({ userId: user.id, role, siteId });
      b.jar.set(SESSION_COOKIE, f.store.createSession({ userId: user.id, method: "password", address: "127.0.0.1", client: "test" }).token);
      return b;
    },
    async page(b, path, headers) {
      const r = await b.get(path, headers);
      const body = await b.text(r);
      if (r.status !== 200) throw new Error(`GET ${path}: ${r.status}\n${body.slice(0, 2000)}`);
      return body;
    },
  };
}

/** The text of an HTML fragment, tags as spaces, spaces folded (for exact content checks). */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ")
    // A tag between a word and its punctuation ("<strong>x</strong>: y") leaves no space before it.
    .replace(/ ([:;,.)])/g, "$1")
    .trim();
}

/** The rows of the devices table's body, each as its cells' text. */
export function tableRows(html: string, tableClass: string): string[][] {
  const table = new RegExp(`<table class="${tableClass}"[\\s\\S]*?</table>`).exec(html)?.[0] ?? "";
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? "";
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => textOf(c[1]!)));
}
