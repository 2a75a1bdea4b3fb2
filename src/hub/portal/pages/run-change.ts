/**
 * What the admin pages' forms share: a change runs as the signed-in person
 * and the page is shown again with what happened, or with the refusal as
 * the RPC words it (a refusal is never turned into words of our own). The
 * page is read fresh after the change, so it shows the state the change left.
 */
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { DcaError } from "../../../common/errors.ts";
import { statusOf } from "../error-pages.tsx";
import type { PortalCtx } from "../portal-context.ts";

/** What one rendering of a page shows besides its data. */
export interface Shown {
  ok?: string;
  error?: string;
  /** A secret shown once (a new API token, a webhook's generated key), with what it is. */
  secret?: { label: string; value: string };
  /** The answer's status when not the usual (200, or 400 with an error). */
  status?: FormStatus;
}

/** The statuses a page answers a form with. */
export type FormStatus = 200 | 400 | 401 | 403 | 404 | 409 | 429 | 503 | 504;

/** Renders a page with `shown`, answering `status`. */
export type Renderer = (shown: Shown, status?: FormStatus) => Promise<Response>;

/**
 * Runs `run` (one RPC, usually) and renders the page with its outcome. A
 * refusal a person can act on (a bad value, a conflict) is shown on the page
 * with its status; a permission refusal becomes the 403 page, and anything
 * else the 500 page.
 */
export async function runChange(render: Renderer, run: () => Promise<Shown>): Promise<Response> {
  let shown: Shown;
  try {
    shown = await run();
  } catch (e) {
    const err = DcaError.from(e);
    const status = statusOf(err.code);
    // A refusal of the action itself is the 403 page with the RPC's words (the page around the
    // form may not be readable either). A 401 is a wrong confirmation (a session that is over
    // fails again when the page is read, and the error page sends the browser to sign in).
    if (status === 500 || status === 403 || status === 413) throw e;
    return render({ error: err.message }, status);
  }
  return render(shown, shown.status ?? (shown.error ? 400 : 200));
}

/** A time for a table cell: "2026-03-01 08:00 UTC", or "-" when unset. */
export function when(t: Timestamp | undefined): string {
  return t ? new Date(Number(t.seconds) * 1000).toISOString().replace("T", " ").slice(0, 16) + " UTC" : "-";
}

/** A form's field list as text fields, each bounded (one parse of the body). */
export async function fields(c: PortalCtx, names: readonly string[], max = 4096): Promise<Record<string, string>> {
  const body = await c.req.parseBody({ all: true });
  const out: Record<string, string> = {};
  for (const name of names) {
    const v = body[name];
    const one = Array.isArray(v) ? v[0] : v;
    out[name] = typeof one === "string" ? one.slice(0, max) : "";
  }
  return out;
}

/** The values of a repeated field (checkboxes, a multiple select), bounded in count and length. */
export async function fieldList(c: PortalCtx, name: string, maxCount = 100, max = 200): Promise<string[]> {
  const v = (await c.req.parseBody({ all: true }))[name];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.filter((x): x is string => typeof x === "string").slice(0, maxCount).map((x) => x.slice(0, max));
}
