/**
 * How the fleet handlers find what a request names (an agent, a device, an
 * optional site filter) and check the caller's right to it. A caller
 * without a global grant learns nothing of other sites' rows: an unknown id
 * and another site's id get the same refusal.
 */
import type { HandlerContext } from "@connectrpc/connect";
import { DcaError } from "../../common/errors.ts";
import { type Permission, permissionDenied } from "../access/index.ts";
import { StoreError, type Site } from "../store/index.ts";
import { callerOf, note, siteFor } from "./admin-call.ts";
import type { SiteNameOf } from "./fleet-to-proto.ts";

/** Longest id a request may name (ids are far shorter; this keeps refusals and audit records small). */
const MAX_ID_LENGTH = 128;

/** What kind of row, for messages: the noun and the command that lists them. */
export type RowKind = "agent" | "device" | "install";

/** A required id from a request, or invalid-argument saying which. */
export function idArg(value: string, kind: RowKind): string {
  const id = value.trim();
  if (!id) throw new DcaError("invalid-argument", `which ${kind}? give its id (see "dca-hub ${kind} list")`);
  if (id.length > MAX_ID_LENGTH) throw new DcaError("invalid-argument", `that ${kind} id is too long (at most ${MAX_ID_LENGTH} characters)`);
  return id;
}

/**
 * The row `id` names, if the caller has `permission` on its site; notes the site and the row
 * for the audit record. Unknown: not-found for a caller with a global grant, else the same
 * permission-denied as another site's row.
 */
export function rowFor<T extends { siteId: string }>(ctx: HandlerContext, permission: Permission, kind: RowKind, id: string, row: T | undefined): T {
  const caller = callerOf(ctx);
  if (!row && caller.hasGlobal(permission)) throw new StoreError("not-found", `unknown ${kind} "${id}"; see "dca-hub ${kind} list"`);
  if (!row || !caller.can(permission, row.siteId)) throw permissionDenied(caller.username, permission, `the site of ${kind} "${id}"`);
  note(ctx, { siteId: row.siteId, target: `${kind} ${id}` });
  return row;
}

/** The site of an optional filter ("" for every site the caller may see). */
export function siteFilter(ctx: HandlerContext, store: { getSite(idOrName: string): Site | undefined }, permission: Permission, site: string): Site | undefined {
  return site.trim() === "" ? undefined : siteFor(ctx, store, permission, site.trim());
}

/** Site names by id, read once per call. */
export function siteNames(store: { listSites(): Site[] }): SiteNameOf {
  const names = new Map(store.listSites().map((s) => [s.id, s.name]));
  return (id) => names.get(id) ?? id;
}
