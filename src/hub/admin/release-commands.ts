/**
 * `release add|list|add-revocations`: the releases the hub offers agents for
 * self-update and the root's revocation lists (docs/release.md, "How a release
 * reaches agents"). The hub checks everything against its built-in root key
 * (the same as the agent's) before it keeps it: a bad bundle is refused with
 * one line and nothing changes. `release add` reads FILE and FILE.sig here
 * and streams them to the hub.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { basename } from "node:path";
import { create } from "@bufbuild/protobuf";
import { type Release as ReleaseMessage, type UploadReleaseRequest, UploadReleaseRequestSchema } from "../../gen/dca/v1/admin_hub_pb.ts";
import { flag } from "../../common/args.ts";
import { DcaError } from "../../common/errors.ts";
import { hashFile } from "../../common/hash-file.ts";
import { BUNDLE_MAX_BYTES } from "../../common/release-signing/index.ts";
import type { Release, UpdateChannel } from "../store/index.ts";
import { type AdminCommand, arg, noMoreArgs, printJson, wantsJson } from "./admin-context.ts";
import { formatTable, formatTime } from "./admin-format.ts";
import { dateOf } from "./from-proto.ts";

/** Bytes per upload message (the hub takes at most 512 KiB). */
const CHUNK_BYTES = 512 * 1024;
/** How long an upload may take: a large file over a slow link, not the 60 s of one call. */
const UPLOAD_TIMEOUT_MS = 30 * 60_000;

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

/** The file's bytes in upload-sized pieces, read as they are sent. */
function* fileChunks(path: string): Generator<UploadReleaseRequest> {
  const fd = openSync(path, "r");
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK_BYTES);
      const n = readSync(fd, buf, 0, CHUNK_BYTES, null);
      if (n === 0) return;
      yield create(UploadReleaseRequestSchema, { part: { case: "chunk", value: buf.subarray(0, n) } });
    }
  } finally {
    closeSync(fd);
  }
}

/** A release as the commands always printed it (`--json` included): the store's shape without its bundle. */
export const releaseOf = (r: ReleaseMessage | undefined): Omit<Release, "signature"> => ({
  sha256: r?.sha256 ?? "",
  name: r?.name ?? "",
  version: r?.version ?? "",
  target: r?.target ?? "",
  size: Number(r?.size ?? 0n),
  channel: (r?.channel ?? "stable") as UpdateChannel,
  url: r?.url ?? "",
  keyId: r?.keyId ?? "",
  addedAt: dateOf(r?.addedAt) ?? new Date(0),
});

/** The release commands. */
export const RELEASE_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "release add": {
    usage: "release add FILE [--channel stable|beta] [--url https://cdn.example/dca-linux-x64] [--json]",
    valued: ["channel", "url"],
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      const file = arg(p, 0, "FILE");
      noMoreArgs(p, 1);
      const channel = flag(p, "channel") ?? "stable";
      if (channel !== "stable" && channel !== "beta") throw new DcaError("usage", `--channel must be stable or beta, got "${channel}"`);
      const url = flag(p, "url") ?? "";
      if (url !== "" && !/^https:\/\/[^\s/]+\/\S*$/.test(url)) throw new DcaError("usage", `--url must be an https:// URL, got "${url}"`);
      const signature = readSmall(`${file}.sig`, "signature bundle");
      let measured: { size: number; sha256?: string };
      try {
        // With a URL only the file's measure goes to the hub; without, the file itself (read again as it is sent).
        measured = url === "" ? { size: statSync(file).size } : hashFile(file);
      } catch (e) {
        throw new DcaError("not-found", `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? "error"}); give the release file "npm run release" wrote`);
      }
      const start = create(UploadReleaseRequestSchema, {
        part: { case: "start", value: { fileName: basename(file), channel, url, signature, fileSize: BigInt(measured.size), fileSha256: measured.sha256 ?? "" } },
      });
      const parts = async function* () {
        yield start;
        if (url === "") yield* fileChunks(file);
      };
      const r = await ctx.api.uploadRelease(parts(), { timeoutMs: UPLOAD_TIMEOUT_MS });
      const release = releaseOf(r.release);
      if (wantsJson(p)) printJson(ctx, { ...release, signature: undefined, added: r.added });
      else {
        const where = url === "" ? "served by the hub" : `served from ${url}`;
        ctx.io.out(
          `release ${release.name} ${release.version} for ${release.target} (${release.size} bytes, sha256 ${release.sha256.slice(0, 16)}...) ${r.added ? "added" : "updated"}: ` +
            `channel ${release.channel}, ${where}, signed by ${release.keyId}\n` +
            (release.name === "dca" ? "agents on that channel get it at their next poll inside their site's update window\n" : "kept (a hub is never updated by itself)\n"),
        );
      }
      return 0;
    },
  },

  "release list": {
    usage: "release list [--json]",
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const r = await ctx.api.listReleases({});
      const releases = r.releases.map(releaseOf);
      if (wantsJson(p)) printJson(ctx, releases);
      else if (releases.length === 0) ctx.io.out(`no releases yet (add one with "release add FILE")\n`);
      else {
        ctx.io.out(
          formatTable(
            ["NAME", "VERSION", "TARGET", "CHANNEL", "SIZE", "SHA256", "SOURCE", "SIGNED BY", "ADDED"],
            releases.map((x) => [x.name, x.version, x.target, x.channel, x.size, x.sha256.slice(0, 16), x.url || "hub", x.keyId, formatTime(x.addedAt)]),
          ),
        );
      }
      if (!wantsJson(p) && r.revocationSerial !== undefined) ctx.io.out(`revocation list in force: serial ${r.revocationSerial}\n`);
      return 0;
    },
  },

  "release add-revocations": {
    usage: "release add-revocations FILE",
    remote: true,
    async run(ctx, p) {
      const file = arg(p, 0, "FILE");
      noMoreArgs(p, 1);
      const r = await ctx.api.addRevocations({ list: readSmall(file, "revocation list"), fileName: file });
      ctx.io.out(
        `revocation list ${r.serial} (${r.revokedKeys} revoked keys) ${r.added ? "kept" : "was already kept"}; ` +
          (r.newestSerial > r.serial ? `list ${r.newestSerial} is newer and stays in force\n` : "agents get it at their next poll\n") +
          (r.stopped.length ? `no longer offered (signed by a revoked key): ${r.stopped.map((x) => `${x.name} ${x.version} ${x.target}`).join(", ")}\n` : ""),
      );
      return 0;
    },
  },
};
