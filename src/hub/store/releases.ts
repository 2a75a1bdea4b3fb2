/**
 * Releases for self-update, the root's revocation lists, and each site's
 * update policy. The store keeps what the hub checked at UploadRelease (the
 * signature bundle against the root, the file's hash); the file itself lives
 * beside the database (<data>/releases/<sha256>) unless a CDN serves it.
 */
import { type StoreContext } from "./store-context.ts";
import { StoreError } from "./store-error.ts";
import type { Release, UpdateChannel, UpdatePolicy } from "./types.ts";

/** What `release add` stores. */
export type NewRelease = Omit<Release, "addedAt">;

interface ReleaseRow {
  sha256: string;
  name: string;
  version: string;
  target: string;
  size: number;
  channel: string;
  url: string;
  signature: string;
  key_id: string;
  added_at: number;
}

const toRelease = (r: ReleaseRow): Release => ({
  sha256: r.sha256,
  name: r.name,
  version: r.version,
  target: r.target,
  size: r.size,
  channel: r.channel as UpdateChannel,
  url: r.url,
  signature: r.signature,
  keyId: r.key_id,
  addedAt: new Date(r.added_at),
});

/** The release and update-policy methods of the store. */
export function createReleases(ctx: StoreContext) {
  const { db } = ctx;
  const policyOf = (siteId: string): UpdatePolicy => {
    const r = db
      .query<{ c: string; w: string; h: number; s: number }, [string]>(
        "SELECT update_channel AS c, update_window AS w, update_hold AS h, update_health_seconds AS s FROM sites WHERE id = ?",
      )
      .get(siteId);
    if (!r) throw new StoreError("not-found", `unknown site "${siteId}"`);
    return { channel: r.c as UpdateChannel, window: r.w, hold: r.h !== 0, healthSeconds: r.s };
  };
  return {
    /** Adds a release, or changes the channel and URL of the one with the same SHA-256 (a promotion). */
    addRelease(r: NewRelease): { release: Release; added: boolean } {
      return ctx.write(() => {
        const had = db.query<ReleaseRow, [string]>("SELECT * FROM releases WHERE sha256 = ?").get(r.sha256);
        if (had) {
          db.run("UPDATE releases SET channel = ?, url = ? WHERE sha256 = ?", [r.channel, r.url, r.sha256]);
          return { release: { ...toRelease(had), channel: r.channel, url: r.url }, added: false };
        }
        const addedAt = ctx.now();
        db.run(
          "INSERT INTO releases (sha256, name, version, target, size, channel, url, signature, key_id, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          [r.sha256, r.name, r.version, r.target, r.size, r.channel, r.url, r.signature, r.keyId, addedAt.getTime()],
        );
        return { release: { ...r, addedAt }, added: true };
      });
    },

    /** Every release, newest added first. */
    listReleases(): Release[] {
      return ctx.read(() => db.query<ReleaseRow, []>("SELECT * FROM releases ORDER BY added_at DESC, rowid DESC").all().map(toRelease));
    },

    getRelease(sha256: string): Release | undefined {
      return ctx.read(() => {
        const r = db.query<ReleaseRow, [string]>("SELECT * FROM releases WHERE sha256 = ?").get(sha256);
        return r ? toRelease(r) : undefined;
      });
    },

    /** Keeps a root-signed revocation list (checked by the caller); false when one with its serial is already kept. */
    addRevocationList(serial: number, list: string): boolean {
      return ctx.write(() => {
        if (db.query("SELECT 1 FROM revocation_lists WHERE serial = ?").get(serial)) return false;
        db.run("INSERT INTO revocation_lists (serial, list, added_at) VALUES (?, ?, ?)", [serial, list, ctx.now().getTime()]);
        return true;
      });
    },

    /** The kept list with the highest serial, if any. */
    newestRevocationList(): { serial: number; list: string } | undefined {
      return ctx.read(
        () => db.query<{ serial: number; list: string }, []>("SELECT serial, list FROM revocation_lists ORDER BY serial DESC LIMIT 1").get() ?? undefined,
      );
    },

    getUpdatePolicy(siteId: string): UpdatePolicy {
      return ctx.read(() => policyOf(siteId));
    },

    /** Changes a site's update policy (the caller checked the window); the policy as it now is. */
    setUpdatePolicy(siteId: string, change: Partial<UpdatePolicy>): UpdatePolicy {
      return ctx.write(() => {
        const sets: string[] = [];
        const values: (string | number)[] = [];
        if (change.channel !== undefined) sets.push("update_channel = ?"), values.push(change.channel);
        if (change.window !== undefined) sets.push("update_window = ?"), values.push(change.window);
        if (change.hold !== undefined) sets.push("update_hold = ?"), values.push(change.hold ? 1 : 0);
        if (change.healthSeconds !== undefined) sets.push("update_health_seconds = ?"), values.push(change.healthSeconds);
        if (sets.length && db.run(`UPDATE sites SET ${sets.join(", ")} WHERE id = ?`, [...values, siteId]).changes === 0) {
          throw new StoreError("not-found", `unknown site "${siteId}"`);
        }
        return policyOf(siteId);
      });
    },
  };
}
