/**
 * What every admin command gets: the open store, the output functions and
 * the clock, plus the helpers they share for arguments and output.
 */
import { UsageError, type ParsedArgs } from "../../common/args.ts";
import type { Clock } from "../../common/clock.ts";
import { StoreError, type AdminStore, type Site, type SiteAdminStore } from "../store/index.ts";
import type { AdminClient } from "./admin-client.ts";

/** Where an admin command reads and writes; `main` passes stdout/stderr, tests collect. */
export interface AdminIo {
  dataDir: string;
  out: (s: string) => void;
  err: (s: string) => void;
  /**
   * When set, a data folder that holds no hub store is refused (the CLI sets
   * it: only `serve` makes one); `lookedUp` says how the folder was chosen.
   */
  existingStore?: { lookedUp: string };
  /** The wall clock for the store and the output (tests set one); the system clock by default. */
  clock?: Pick<Clock, "now">;
  /** The hub to talk to (tests pass an in-process one); by default the signed-in session's (src/hub/admin/admin-target.ts). */
  api?: AdminClient;
  /** Where the environment is read (DCA_HUB_SESSION, DCA_HUB_TOKEN...); process.env by default. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Asks for a secret without echo (tests answer); at a terminal by default, refused elsewhere. */
  promptSecret?: (question: string) => Promise<string>;
}

/** The state one admin command runs with; `S` is the part of the store it uses. */
export interface AdminContext<S = AdminStore> {
  /** The store (only for commands not yet moved to the API: `remote` ones never open it). */
  store: S;
  /** The hub's AdminService, as the signed-in user. */
  api: AdminClient;
  io: AdminIo;
  now: () => Date;
}

/** One admin command: its usage line, its flags, and what it does (returns the exit code). */
export interface AdminCommand<S = AdminStore> {
  usage: string;
  valued?: readonly string[];
  booleans?: readonly string[];
  /** The command is a client of the hub's AdminService (it never opens the store). */
  remote?: boolean;
  /** The command needs neither a store nor a signed-in API (login, logout). */
  standalone?: boolean;
  run(ctx: AdminContext<S>, args: ParsedArgs): number | Promise<number>;
}

/** How commands of every kind name a site, besides their own part of the store. */
export type SiteNames = Pick<SiteAdminStore, "getSite" | "listSites">;

/** The n-th positional argument, or a usage error naming it. */
export function arg(p: ParsedArgs, index: number, name: string): string {
  const v = p.positional[index];
  if (v === undefined || v === "") throw new UsageError(`missing ${name}`);
  return v;
}

/** Refuses positional arguments beyond `count`. */
export function noMoreArgs(p: ParsedArgs, count: number): void {
  if (p.positional.length > count) throw new UsageError(`unexpected argument "${p.positional[count]}"`);
}

/** The site named by a name or id, or a "not-found" error pointing at `site list`. */
export function siteArg(ctx: AdminContext<Pick<SiteAdminStore, "getSite">>, idOrName: string): Site {
  const site = ctx.store.getSite(idOrName);
  if (!site) throw new StoreError("not-found", `unknown site "${idOrName}"; see "dca-hub site list"`);
  return site;
}

/** The site of an optional `--site` flag. */
export function siteFlag(ctx: AdminContext<Pick<SiteAdminStore, "getSite">>, p: ParsedArgs): Site | undefined {
  const s = p.flags.get("site")?.at(-1);
  return s === undefined ? undefined : siteArg(ctx, s);
}

/** Prints one JSON document (bigints as strings, dates as ISO). */
export function printJson(ctx: AdminContext<unknown>, value: unknown): void {
  ctx.io.out(`${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`);
}

/** Whether `--json` was given. */
export const wantsJson = (p: ParsedArgs): boolean => p.flags.has("json");
