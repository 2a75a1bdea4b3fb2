/**
 * What an AdminService handler knows of its call: the Caller (set by the
 * door once the credential holds), where the call came from, and the audit
 * note the handler fills in (the door writes the record).
 */
import { type HandlerContext, createContextKey } from "@connectrpc/connect";
import { DcaError } from "../../common/errors.ts";
import type { Caller } from "../access/index.ts";
import type { Permission } from "../access/index.ts";
import { StoreError, type Site } from "../store/index.ts";

/** What the audit record of a call says besides who and what method. */
export interface AuditNote {
  siteId?: string;
  /** What the call acted on ("task tsk_...", "user alice"). */
  target?: string;
  /** Facts worth keeping, never a secret. */
  detail?: Record<string, unknown>;
  /** Who the record names when nobody is signed in yet (sign-in attempts). */
  actor?: string;
  actorUserId?: string;
  /** An outcome other than the call's own ("failed" for a refused sign-in answered without an error). */
  outcome?: "ok" | "denied" | "failed";
}

export const CALLER = createContextKey<Caller | undefined>(undefined, { description: "the signed-in caller" });
export const AUDIT_NOTE = createContextKey<AuditNote | undefined>(undefined, { description: "the audit note of this call" });
export const CALL_ADDRESS = createContextKey<string>("unknown", { description: "the remote address" });

/** The caller of a call that is not open (the door set it). */
export function callerOf(ctx: HandlerContext): Caller {
  const c = ctx.values.get(CALLER);
  if (!c) throw new DcaError("unauthenticated", "sign in first (dca-hub login)");
  return c;
}

/** Adds to the call's audit note. */
export function note(ctx: HandlerContext, more: AuditNote): void {
  const n = ctx.values.get(AUDIT_NOTE);
  if (n) Object.assign(n, more);
  else ctx.values.set(AUDIT_NOTE, { ...more });
}

/**
 * The site named by id or name, if the caller has `permission` on it. A caller without a global
 * grant learns nothing of sites that are not theirs: unknown and forbidden get the same refusal.
 */
export function siteFor(ctx: HandlerContext, store: { getSite(idOrName: string): Site | undefined }, permission: Permission, idOrName: string): Site {
  const caller = callerOf(ctx);
  if (!idOrName) throw new DcaError("invalid-argument", "which site? give its name or id");
  const site = store.getSite(idOrName);
  if (!site && caller.hasGlobal(permission)) throw new StoreError("not-found", `unknown site "${idOrName}"; see "dca-hub site list"`);
  if (!site || !caller.can(permission, site.id)) {
    caller.requireSite(permission, site?.id ?? idOrName, idOrName);
  }
  note(ctx, { siteId: site!.id });
  return site!;
}

/** Requires `permission` on a row's site (an agent, a task, a device...) already looked up. */
export function requireOn(ctx: HandlerContext, permission: Permission, siteId: string, what: string): void {
  callerOf(ctx).requireSite(permission, siteId, undefined);
  note(ctx, { siteId, target: what });
}

/** Keeps the rows of the sites where the caller has `permission`. */
export function visible<T extends { siteId: string }>(ctx: HandlerContext, permission: Permission, rows: T[]): T[] {
  const sites = callerOf(ctx).sitesWith(permission);
  return sites === "all" ? rows : rows.filter((r) => sites.has(r.siteId));
}
