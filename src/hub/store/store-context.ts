/**
 * What every part of the store shares: the open database, the clock, and
 * the transaction wrapper. All writes go through `write`, an IMMEDIATE
 * transaction: it takes the write lock up front, so two processes never
 * both read, then both try to upgrade to a write and one fails with
 * SQLITE_BUSY that no timeout can resolve.
 */
import type { Database } from "bun:sqlite";
import type { Clock } from "../../common/clock.ts";
import { StoreError } from "./store-error.ts";

/** The shared state of one open store. */
export interface StoreContext {
  db: Database;
  /** The clock's wall time as a Date: every stored time and expiry. */
  now: () => Date;
  /** Runs `fn` in one IMMEDIATE transaction; errors leave the database as it was. */
  write<T>(fn: () => T): T;
  /** Runs `fn` (reads only); maps SQLite errors to StoreError. */
  read<T>(fn: () => T): T;
}

/** Builds the context for an open database; the store reads only wall time from `clock`. */
export function createStoreContext(db: Database, clock: Pick<Clock, "now">): StoreContext {
  return {
    db,
    now: () => new Date(clock.now()),
    write<T>(fn: () => T): T {
      try {
        return db.transaction(fn).immediate();
      } catch (e) {
        throw StoreError.from(e);
      }
    },
    read<T>(fn: () => T): T {
      try {
        return fn();
      } catch (e) {
        throw StoreError.from(e);
      }
    },
  };
}

/** A stored time (ms since the epoch) as a Date; undefined for NULL. */
export function optDate(ms: number | null | undefined): Date | undefined {
  return ms === null || ms === undefined ? undefined : new Date(ms);
}
