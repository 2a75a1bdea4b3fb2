/**
 * `release add|list|add-revocations`: the releases the hub offers agents for
 * self-update and the root's revocation lists (docs/release.md, "How a release
 * reaches agents"). Everything is checked against the built-in root key (the
 * same as the agent's; tests give their own through AdminIo.trustRoot) before
 * it is kept: a bad bundle is refused with one line and nothing changes.
 */
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { flag } from "../../common/args.ts";
import { DcaError } from "../../common/errors.ts";
import { hashFile } from "../../common/hash-file.ts";
import { BUNDLE_MAX_BYTES, checkReleaseFile, openRevocations } from "../../common/release-signing/index.ts";
import { isReleaseVersion } from "../../common/release-version.ts";
import { TRUST_ROOT } from "../../common/trust-root.ts";
import { fsyncDir } from "../../common/write-file-atomic.ts";
import { RELEASES_DIR } from "../api/release-files.ts";
import type { ReleaseStore, UpdateChannel } from "../store/index.ts";
import { type AdminCommand, type AdminContext, arg, noMoreArgs, printJson, wantsJson } from "./admin-context.ts";
import { formatTable, formatTime } from "./admin-format.ts";

const TARGETS = ["linux-x64", "linux-arm64", "windows-x64", "darwin-arm64"];

/** The root to check against, or why there is none (a development build has no root built in). */
function rootOf(ctx: AdminContext<unknown>): string {
  const root = ctx.io.trustRoot ?? TRUST_ROOT;
  if (root === "") {
    throw new DcaError("failed-precondition", "this dca-hub is a development build with no root key built in, so it cannot check a release; use a release build of dca-hub");
  }
  return root;
}

/** A small file read whole, or a one-line error naming it. */
function readSmall(path: string, what: string): string {
  try {
    if (statSync(path).size > BUNDLE_MAX_BYTES) throw new DcaError("invalid-argument", `${path} is over ${BUNDLE_MAX_BYTES} bytes: not a ${what}`);
    return readFileSync(path, "utf8");
  } catch (e) {
    if (e instanceof DcaError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new DcaError("not-found", `cannot read the ${what} ${path} (${code}); ${what === "signature bundle" ? "it ships beside the file as FILE.sig" : "give the file build/keys.ts revoke wrote"}`);
  }
}

/** The kept revocation lists (the newest applies, with the bundle's own). */
const kept = (store: ReleaseStore): unknown[] => {
  const newest = store.newestRevocationList();
  return newest ? [JSON.parse(newest.list)] : [];
};

function channelOf(text: string | undefined): UpdateChannel {
  if (text === undefined || text === "stable" || text === "beta") return text ?? "stable";
  throw new DcaError("usage", `--channel must be stable or beta, got "${text}"`);
}

/** Copies `file` into the data folder's releases/ as <sha256>, durably (copy, fsync by hashing it again, rename). */
function keepFile(dataDir: string, file: string, sha256: string): void {
  const dir = join(dataDir, RELEASES_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${sha256}.${process.pid}.tmp`);
  try {
    copyFileSync(file, tmp);
    // The copy is what agents get: it is checked, not trusted.
    if (hashFile(tmp).sha256 !== sha256) throw new DcaError("data-loss", `the copy of ${file} in ${dir} differs from the file; check the disk`);
    renameSync(tmp, join(dir, sha256));
    fsyncDir(dir);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** The release commands. */
export const RELEASE_COMMANDS: Record<string, AdminCommand<ReleaseStore>> = {
  "release add": {
    usage: "release add FILE [--channel stable|beta] [--url https://cdn.example/dca-linux-x64] [--json]",
    valued: ["channel", "url"],
    booleans: ["json"],
    run(ctx, p) {
      const file = arg(p, 0, "FILE");
      noMoreArgs(p, 1);
      const channel = channelOf(flag(p, "channel"));
      const url = flag(p, "url") ?? "";
      if (url !== "" && !/^https:\/\/[^\s/]+\/\S*$/.test(url)) throw new DcaError("usage", `--url must be an https:// URL, got "${url}"`);
      const root = rootOf(ctx);
      const bundle = readSmall(`${file}.sig`, "signature bundle");
      const checked = checkReleaseFile(file, bundle, root, kept(ctx.store));
      if (!checked.ok) throw new DcaError("failed-precondition", `${basename(file)} is refused: ${checked.reason}; add only files "npm run release" signed, with their .sig`);
      const m = checked.manifest;
      if (!isReleaseVersion(m.version) || !TARGETS.includes(m.target) || (m.name !== "dca" && m.name !== "dca-hub")) {
        throw new DcaError("failed-precondition", `${basename(file)} is refused: its manifest names ${m.name} ${m.version} for ${m.target}, not a release of dca or dca-hub for ${TARGETS.join(", ")}`);
      }
      if (url === "") keepFile(ctx.io.dataDir, file, m.sha256);
      const { release, added } = ctx.store.addRelease({
        sha256: m.sha256, name: m.name, version: m.version, target: m.target, size: m.size, channel, url, signature: bundle, keyId: checked.keyId,
      });
      if (wantsJson(p)) printJson(ctx, { ...release, signature: undefined, added });
      else {
        const where = url === "" ? "served by the hub" : `served from ${url}`;
        ctx.io.out(
          `release ${m.name} ${m.version} for ${m.target} (${m.size} bytes, sha256 ${m.sha256.slice(0, 16)}...) ${added ? "added" : "updated"}: ` +
            `channel ${channel}, ${where}, signed by ${checked.keyId}\n` +
            (m.name === "dca" ? "agents on that channel get it at their next poll inside their site's update window\n" : "kept (a hub is never updated by itself)\n"),
        );
      }
      return 0;
    },
  },

  "release list": {
    usage: "release list [--json]",
    booleans: ["json"],
    run(ctx, p) {
      noMoreArgs(p, 0);
      const releases = ctx.store.listReleases().map(({ signature: _, ...r }) => r);
      if (wantsJson(p)) printJson(ctx, releases);
      else if (releases.length === 0) ctx.io.out(`no releases yet (add one with "release add FILE")\n`);
      else {
        ctx.io.out(
          formatTable(
            ["NAME", "VERSION", "TARGET", "CHANNEL", "SIZE", "SHA256", "SOURCE", "SIGNED BY", "ADDED"],
            releases.map((r) => [r.name, r.version, r.target, r.channel, r.size, r.sha256.slice(0, 16), r.url || "hub", r.keyId, formatTime(r.addedAt)]),
          ),
        );
      }
      const newest = ctx.store.newestRevocationList();
      if (!wantsJson(p) && newest) ctx.io.out(`revocation list in force: serial ${newest.serial}\n`);
      return 0;
    },
  },

  "release add-revocations": {
    usage: "release add-revocations FILE",
    run(ctx, p) {
      const file = arg(p, 0, "FILE");
      noMoreArgs(p, 1);
      const text = readSmall(file, "revocation list");
      let blob: unknown;
      try {
        blob = JSON.parse(text);
      } catch {
        throw new DcaError("failed-precondition", `${file} is refused: it is not JSON; give the file build/keys.ts revoke wrote`);
      }
      const list = openRevocations(blob, rootOf(ctx));
      if (!list) throw new DcaError("failed-precondition", `${file} is refused: it is not a revocation list signed by the built-in root key`);
      const added = ctx.store.addRevocationList(list.serial, JSON.stringify(blob));
      const newest = ctx.store.newestRevocationList();
      const revoked = new Set(list.revoked.map((r) => r.keyId));
      const stopped = ctx.store.listReleases().filter((r) => revoked.has(r.keyId));
      ctx.io.out(
        `revocation list ${list.serial} (${list.revoked.length} revoked keys) ${added ? "kept" : "was already kept"}; ` +
          (newest && newest.serial > list.serial ? `list ${newest.serial} is newer and stays in force\n` : "agents get it at their next poll\n") +
          (stopped.length ? `no longer offered (signed by a revoked key): ${stopped.map((r) => `${r.name} ${r.version} ${r.target}`).join(", ")}\n` : ""),
      );
      return 0;
    },
  },
};
