/**
 * What self-update keeps in the state folder, under update/:
 *
 *   dca-<version>.unverified   a download in progress (resumed with Range), then checked
 *   pending.json               the marker, written before the swap: from and to which version,
 *                              how long the new one has to reach the hub, and how often it started
 *   state.json                 what the last update came to (sent to the hub in each poll) and
 *                              the releases this agent refused or rolled back (never tried again)
 *   revocations.json           the newest root-signed revocation list the hub handed over
 *   offer.json                 where the last release offered came from (`dca doctor` checks it)
 *
 * Every write is atomic (write, fsync, rename).
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { newestRevocations, type RevocationList } from "../../common/release-signing/index.ts";
import { writeFileAtomic } from "../../common/write-file-atomic.ts";

/** The marker of an update that has swapped the executable but not yet proved healthy. */
export interface PendingUpdate {
  from: string;
  to: string;
  sha256: string;
  /** Seconds the new version has after it starts to poll the hub successfully. */
  healthSeconds: number;
  /** Starts of the new version so far (the first sets it to 1; a second means the first never got healthy). */
  starts: number;
  swappedAt: string;
}

/** What the agent tells the hub about its updates, and what it will not try again. */
export interface UpdateRecord {
  status: string;
  refused: string[];
}

/** The update folder of a state folder, and its files. */
export function createUpdateState(stateDir: string) {
  const dir = join(stateDir, "update");
  const file = (name: string) => join(dir, name);
  const readJson = <T>(name: string): T | undefined => {
    try {
      return JSON.parse(readFileSync(file(name), "utf8")) as T;
    } catch {
      // Missing or damaged: as if nothing were kept (a damaged marker cannot be acted on safely).
      return undefined;
    }
  };
  const write = (name: string, value: unknown) => {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileAtomic(file(name), JSON.stringify(value));
  };
  return {
    dir,
    /** Where a download of `version` goes until it is checked. */
    unverifiedPath: (version: string) => file(`dca-${version.replace(/[^0-9A-Za-z.-]/g, "_")}.unverified`),
    pending: () => readJson<PendingUpdate>("pending.json"),
    /** The URL of the last release offered, kept when it changes. */
    lastOfferUrl: (): string | undefined => readJson<{ url?: string }>("offer.json")?.url,
    keepOfferUrl(url: string) {
      if (readJson<{ url?: string }>("offer.json")?.url !== url) write("offer.json", { url });
    },
    setPending: (p: PendingUpdate) => write("pending.json", p),
    clearPending: () => rmSync(file("pending.json"), { force: true }),
    record: (): UpdateRecord => ({ status: "", refused: [], ...readJson<Partial<UpdateRecord>>("state.json") }),
    /** Records `status`; with `refuse`, that release is never tried again. */
    note(status: string, refuse?: string) {
      const r = this.record();
      write("state.json", { status, refused: refuse && !r.refused.includes(refuse) ? [...r.refused.slice(-50), refuse] : r.refused });
    },
    /** The kept revocation list, if it is the root's. */
    revocations: (root: string): RevocationList | undefined => newestRevocations([readJson("revocations.json")], root),
    keptRevocationBlobs: (): unknown[] => {
      const b = readJson("revocations.json");
      return b === undefined ? [] : [b];
    },
    /** Keeps `blob` if the root signed it and it is newer than the kept one; returns whether it did. */
    keepRevocations(blob: unknown, root: string): boolean {
      const list = newestRevocations([blob], root);
      if (!list || list.serial <= (this.revocations(root)?.serial ?? 0)) return false;
      write("revocations.json", blob);
      return true;
    },
  };
}

/** The update folder's files (createUpdateState). */
export type UpdateState = ReturnType<typeof createUpdateState>;
