/** CSRF tokens (bound to what they were made for, checked in constant time) and the origin check. */
import { describe, expect, test } from "bun:test";
import { createCsrf, foreignOrigin } from "./csrf.ts";

const HUB = "https://hub.example:8443";

describe("CSRF tokens", () => {
  test("a token checks only for its own binding and key", () => {
    const csrf = createCsrf(new Uint8Array(32).fill(7));
    const t = csrf.token("session:ses_a");
    expect(csrf.check("session:ses_a", t)).toBe(true);
    expect(csrf.check("session:ses_b", t)).toBe(false);
    expect(csrf.check("pre:ses_a", t)).toBe(false);
    expect(createCsrf(new Uint8Array(32).fill(8)).check("session:ses_a", t)).toBe(false);
    for (const bad of [undefined, "", t.slice(1), `${t}x`, "x".repeat(1000)]) expect(csrf.check("session:ses_a", bad)).toBe(false);
  });
});

describe("the origin check", () => {
  test("the portal's own origin passes, by Origin or by Referer", () => {
    expect(foreignOrigin({ origin: HUB }, HUB)).toBeUndefined();
    expect(foreignOrigin({ referer: `${HUB}/login?next=/` }, HUB)).toBeUndefined();
    expect(foreignOrigin({ origin: HUB, secFetchSite: "same-origin" }, HUB)).toBeUndefined();
  });

  test("another origin, another port or scheme, a cross-site fetch, or no origin at all is refused", () => {
    for (const facts of [
      { origin: "https://evil.example" },
      { origin: "https://hub.example" },
      { origin: "http://hub.example:8443" },
      { origin: "https://wa-abcd.wa.hub.example:8443" },
      { origin: "null" },
      { referer: "https://evil.example/hub.example:8443" },
      { referer: "not a url" },
      {},
      { origin: HUB, secFetchSite: "cross-site" },
    ]) {
      expect(foreignOrigin(facts, HUB)).toBeString();
    }
  });
});
