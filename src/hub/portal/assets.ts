/**
 * The portal's static files, embedded in the hub's executable (Bun's text
 * imports: `bun build --compile` puts their content into the binary, so
 * the hub needs no files beside it): htmx, uPlot, and our own CSS and
 * script. Each is served at /assets/<name>-<hash>.<ext>, the hash being
 * the first 16 hex digits of its SHA-256, with a year's immutable cache:
 * a new content is a new name, so a browser never runs a stale script.
 */
import { createHash } from "node:crypto";
import htmxJs from "htmx.org/dist/htmx.min.js" with { type: "text" };
import uplotJs from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
import uplotCss from "uplot/dist/uPlot.min.css" with { type: "text" };
import portalJs from "./assets/portal.client.js" with { type: "text" };
import portalCss from "./assets/portal.css" with { type: "text" };
import favicon from "./assets/favicon.svg" with { type: "text" };

/** One embedded file. */
export interface Asset {
  /** The URL path it is served at (its name with its content hash). */
  path: string;
  type: string;
  body: string;
  /** The base64 SHA-256 of the body (for a page's integrity attribute). */
  sha256: string;
}

/** The names pages ask for. */
export type AssetName = "htmx.js" | "uplot.js" | "uplot.css" | "portal.js" | "portal.css" | "favicon.svg";

const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
};

/** The content's hash as the name carries it. */
export const contentHash = (body: string): string => createHash("sha256").update(body, "utf8").digest("hex").slice(0, 16);

function asset(name: AssetName, body: string): Asset {
  const dot = name.lastIndexOf(".");
  const ext = name.slice(dot + 1);
  return {
    path: `/assets/${name.slice(0, dot)}-${contentHash(body)}.${ext}`,
    type: TYPES[ext]!,
    body,
    sha256: createHash("sha256").update(body, "utf8").digest("base64"),
  };
}

/** Every asset by name. */
export const ASSETS: Readonly<Record<AssetName, Asset>> = {
  "htmx.js": asset("htmx.js", htmxJs),
  "uplot.js": asset("uplot.js", uplotJs),
  "uplot.css": asset("uplot.css", uplotCss),
  "portal.js": asset("portal.js", portalJs),
  "portal.css": asset("portal.css", portalCss),
  "favicon.svg": asset("favicon.svg", favicon),
};

const byPath = new Map(Object.values(ASSETS).map((a) => [a.path, a]));

/** The URL path of an asset. */
export const assetUrl = (name: AssetName): string => ASSETS[name].path;

/** The answer for an /assets/ path: the file with a long cache, or undefined (a 404). */
export function assetResponse(path: string): Response | undefined {
  const a = byPath.get(path);
  if (!a) return undefined;
  return new Response(a.body, { headers: { "content-type": a.type, "cache-control": "public, max-age=31536000, immutable" } });
}
