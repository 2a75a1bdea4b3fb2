/**
 * AdminService: releases and revocation lists (the `release` commands;
 * docs/release.md, "How a release reaches agents"). Everything is checked
 * against the hub's trust root (the built-in root key, the same as the
 * agent's) before it is kept: a bad bundle is refused with one line and
 * nothing changes.
 */
import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { type Release as ReleaseMessage, ReleaseSchema, type ReleaseUploadStart, type UploadReleaseRequest } from "../../gen/dca/v1/admin_hub_pb.ts";
import { DcaError } from "../../common/errors.ts";
import { BUNDLE_MAX_BYTES, type ReleaseManifest, openBundle, openRevocations } from "../../common/release-signing/index.ts";
import { isReleaseVersion } from "../../common/release-version.ts";
import { cleanText } from "../../common/text.ts";
import { TRUST_ROOT } from "../../common/trust-root.ts";
import type { Release, ReleaseStore, UpdateChannel } from "../store/index.ts";
import { note } from "./admin-call.ts";
import { RELEASE_UPLOAD_MAX_BYTES, receiveRelease } from "./release-upload.ts";
import { ts } from "./to-proto.ts";

const TARGETS = ["linux-x64", "linux-arm64", "windows-x64", "darwin-arm64"];
const ONLY_SIGNED = 'add only files "npm run release" signed, with their .sig';

/** What the release handlers need. */
export interface ReleaseHandlerDeps {
  store: ReleaseStore;
  dataDir: string;
  /** The root public key releases are checked against; the built-in one by default (tests give their own). */
  trustRoot?: string;
}

/** A release as AdminService sends it (never its signature bundle). */
export const releaseToProto = (r: Release): ReleaseMessage =>
  create(ReleaseSchema, { sha256: r.sha256, name: r.name, version: r.version, target: r.target, size: BigInt(r.size), channel: r.channel, url: r.url, keyId: r.keyId, addedAt: ts(r.addedAt) });

function channelOf(text: string): UpdateChannel {
  if (text === "" || text === "stable" || text === "beta") return text || "stable";
  throw new DcaError("usage", `--channel must be stable or beta, got "${cleanText(text, 40)}"`);
}

/** Refuses a manifest that names no release of dca or dca-hub this hub knows. */
function checkManifest(name: string, m: ReleaseManifest): void {
  if (!isReleaseVersion(m.version) || !TARGETS.includes(m.target) || (m.name !== "dca" && m.name !== "dca-hub")) {
    throw new DcaError("failed-precondition", `${name} is refused: its manifest names ${cleanText(String(m.name), 40)} ${cleanText(String(m.version), 40)} for ${cleanText(String(m.target), 40)}, not a release of dca or dca-hub for ${TARGETS.join(", ")}`);
  }
  if (m.size > RELEASE_UPLOAD_MAX_BYTES) throw new DcaError("failed-precondition", `${name} is refused: it is ${m.size} bytes, over the hub's ${RELEASE_UPLOAD_MAX_BYTES}`);
}

/** The first message of an upload, or why the upload is malformed. */
async function startOf(it: AsyncIterator<UploadReleaseRequest>): Promise<ReleaseUploadStart> {
  const first = await it.next();
  if (first.done || first.value.part.case !== "start") throw new DcaError("invalid-argument", "an upload starts with the release's file name, channel, URL and signature bundle");
  return first.value.part.value;
}

/** The upload's file chunks (anything else after the start is refused). */
async function* chunksOf(it: AsyncIterator<UploadReleaseRequest>): AsyncGenerator<Uint8Array> {
  for (let r = await it.next(); !r.done; r = await it.next()) {
    if (r.value.part.case !== "chunk") throw new DcaError("invalid-argument", "an upload sends its start once, then only file chunks");
    yield r.value.part.value;
  }
}

type ReleaseMethods = "uploadRelease" | "listReleases" | "addRevocations";

/** The release methods over the store and the data folder's releases/. */
export function createReleaseHandlers(deps: ReleaseHandlerDeps): Pick<ServiceImpl<typeof AdminService>, ReleaseMethods> {
  const { store } = deps;
  /** The root to check against, or why there is none (a development build has no root built in). */
  const rootOf = (): string => {
    const root = deps.trustRoot ?? TRUST_ROOT;
    if (root === "") throw new DcaError("failed-precondition", "this hub is a development build with no root key built in, so it cannot check a release; run a release build of dca-hub");
    return root;
  };
  /** The kept revocation lists (the newest applies, with the bundle's own). */
  const kept = (): unknown[] => {
    const newest = store.newestRevocationList();
    return newest ? [JSON.parse(newest.list)] : [];
  };
  return {
    async uploadRelease(reqs, ctx: HandlerContext) {
      const it = reqs[Symbol.asyncIterator]();
      const start = await startOf(it);
      const name = cleanText(start.fileName, 200) || "the release";
      const channel = channelOf(start.channel);
      const url = start.url;
      if (url !== "" && (url.length > 2048 || !/^https:\/\/[^\s/]+\/\S*$/.test(url))) throw new DcaError("usage", `--url must be an https:// URL, got "${cleanText(url, 200)}"`);
      if (start.signature.length > BUNDLE_MAX_BYTES) throw new DcaError("invalid-argument", `the signature bundle of ${name} is over ${BUNDLE_MAX_BYTES} bytes: not a signature bundle`);
      const root = rootOf();
      const opened = openBundle(start.signature, root, kept());
      if (!opened.ok) throw new DcaError("failed-precondition", `${name} is refused: ${opened.reason}; ${ONLY_SIGNED}`);
      const m = opened.manifest;
      note(ctx, { target: `release ${cleanText(String(m.name), 40)} ${cleanText(String(m.version), 40)} ${cleanText(String(m.target), 40)}`, detail: { sha256: m.sha256, channel, url, keyId: opened.certificate.keyId } });
      checkManifest(name, m);
      if (url === "") {
        // Nothing is written before the bundle holds; the upload is bounded by its signed size.
        await receiveRelease(deps.dataDir, chunksOf(it), { name, size: m.size, bundle: start.signature, root, kept: kept() });
      } else {
        if (!(await it.next()).done) throw new DcaError("invalid-argument", "a release served from --url is not uploaded: send no file chunks");
        // The CDN serves the file and agents check it; the local file's measure only catches a wrong pairing.
        if (start.fileSize !== BigInt(m.size)) throw new DcaError("failed-precondition", `${name} is refused: it is ${start.fileSize} bytes, the signed file ${m.size}; ${ONLY_SIGNED}`);
        if (start.fileSha256 !== m.sha256) throw new DcaError("failed-precondition", `${name} is refused: its SHA-256 differs from the signed file's; ${ONLY_SIGNED}`);
      }
      const { release, added } = store.addRelease({
        sha256: m.sha256, name: m.name, version: m.version, target: m.target, size: m.size, channel, url, signature: start.signature, keyId: opened.certificate.keyId,
      });
      note(ctx, { detail: { sha256: m.sha256, channel, url, keyId: release.keyId, added } });
      return { release: releaseToProto(release), added };
    },

    listReleases() {
      return { releases: store.listReleases().map(releaseToProto), revocationSerial: store.newestRevocationList()?.serial };
    },

    addRevocations(req, ctx) {
      const name = cleanText(req.fileName, 200) || "the revocation list";
      if (req.list.length > BUNDLE_MAX_BYTES) throw new DcaError("invalid-argument", `${name} is over ${BUNDLE_MAX_BYTES} bytes: not a revocation list`);
      let blob: unknown;
      try {
        blob = JSON.parse(req.list);
      } catch {
        throw new DcaError("failed-precondition", `${name} is refused: it is not JSON; give the file build/keys.ts revoke wrote`);
      }
      const list = openRevocations(blob, rootOf());
      if (!list) throw new DcaError("failed-precondition", `${name} is refused: it is not a revocation list signed by the built-in root key`);
      const added = store.addRevocationList(list.serial, JSON.stringify(blob));
      const newest = store.newestRevocationList();
      const revoked = new Set(list.revoked.map((r) => r.keyId));
      const stopped = store.listReleases().filter((r) => revoked.has(r.keyId));
      note(ctx, { target: `revocation list ${list.serial}`, detail: { revoked: [...revoked], added } });
      return { serial: list.serial, revokedKeys: list.revoked.length, added, newestSerial: newest?.serial ?? list.serial, stopped: stopped.map(releaseToProto) };
    },
  };
}
