/** The embedded assets: each served at a name carrying its content's hash, with the right type and a long cache; nothing else under /assets. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ASSETS, assetResponse, contentHash } from "./assets.ts";

const ROOT = join(import.meta.dir, "../../..");

describe("portal assets", () => {
  test("each name carries the hash of what is served under it", async () => {
    for (const [name, a] of Object.entries(ASSETS)) {
      const [stem, ext] = [name.slice(0, name.lastIndexOf(".")), name.slice(name.lastIndexOf(".") + 1)];
      expect(a.path).toBe(`/assets/${stem}-${contentHash(a.body)}.${ext}`);
      const r = assetResponse(a.path)!;
      expect(await r.text()).toBe(a.body);
      expect(r.headers.get("content-type")).toBe(a.type);
      expect(r.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    }
  });

  test("the embedded files are the packages' and ours, unchanged", () => {
    expect(ASSETS["htmx.js"].body).toBe(readFileSync(join(ROOT, "node_modules/htmx.org/dist/htmx.min.js"), "utf8"));
    expect(ASSETS["uplot.js"].body).toBe(readFileSync(join(ROOT, "node_modules/uplot/dist/uPlot.iife.min.js"), "utf8"));
    expect(ASSETS["portal.css"].body).toBe(readFileSync(join(import.meta.dir, "assets/portal.css"), "utf8"));
    expect(ASSETS["htmx.js"].body).toContain("2.0.11");
  });

  test("an old hash, an unknown name or a path outside is no asset", () => {
    expect(assetResponse("/assets/portal-0000000000000000.css")).toBeUndefined();
    expect(assetResponse("/assets/../hub.db")).toBeUndefined();
    expect(assetResponse(ASSETS["portal.js"].path.replace("/assets/", "/"))).toBeUndefined();
  });
});
