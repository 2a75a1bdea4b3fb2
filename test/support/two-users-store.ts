/**
 * A hub store on a fresh folder with a fake clock, a second SQLite connection
 * for raw rows, and two users (alice, bob) inserted as rows: for the tests of
 * the store parts that hang off users (sessions, API tokens). Closed after each test.
 */
import { afterEach } from "bun:test";
import { Database } from "bun:sqlite";
import { type SqliteHubStore, openHubStore } from "../../src/hub/store/index.ts";
import { type TestClock, tempDataDir, testClock } from "./hub-store-fixtures.ts";

const open: { store: SqliteHubStore; db: Database }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) {
    o.db.close();
    o.store.close();
  }
});

/** The store, the raw connection, the clock and the two users' ids. */
export function twoUsersStore(): { store: SqliteHubStore; db: Database; clock: TestClock; alice: string; bob: string } {
  const clock = testClock();
  const store = openHubStore(tempDataDir(), { clock });
  const db = new Database(store.path, { strict: true });
  open.push({ store, db });
  const addUser = (id: string, username: string) => db.run("INSERT INTO users (id, username, created_at) VALUES (?, ?, ?)", [id, username, clock.ms]);
  addUser("usr_alice", "alice");
  addUser("usr_bob", "bob");
  return { store, db, clock, alice: "usr_alice", bob: "usr_bob" };
}
