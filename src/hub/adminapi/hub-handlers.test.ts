import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { type MessageInitShape, create } from "@bufbuild/protobuf";
import { type ReleaseUploadStartSchema, type UploadReleaseRequest, UploadReleaseRequestSchema } from "../../gen/dca/v1/admin_hub_pb.ts";
import { DcaError } from "../../common/errors.ts";
import { createBundle, publicKeyOf } from "../../common/release-signing/index.ts";
import { certify, newPrivateKey, revocations } from "../../../test/support/release-keys.ts";
import { adminHarness } from "../../../test/support/admin-harness.ts";
import type { AdminClient } from "../admin/admin-client.ts";
import { RELEASES_DIR } from "../api/release-files.ts";
import { ensureHubTls } from "../tls/index.ts";
import { RELEASE_CHUNK_MAX_BYTES } from "./release-upload.ts";

type StartInit = MessageInitShape<typeof ReleaseUploadStartSchema>;

const root = newPrivateKey();
const signing = newPrivateKey();

/** A signed "release" of `bytes` as the upload's start message would carry it. */
function signed(bytes: Uint8Array, version = "0.2.0"): StartInit {
  const bundle = createBundle(
    signing,
    { certificate: certify(root, signing), revocations: revocations(root, 1) },
    { name: "dca", version, target: "linux-x64", size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") },
  );
  return { fileName: `dca-${version}`, signature: JSON.stringify(bundle) };
}

async function* upload(start: StartInit | undefined, ...chunks: Uint8Array[]): AsyncGenerator<UploadReleaseRequest> {
  if (start) yield create(UploadReleaseRequestSchema, { part: { case: "start", value: start } });
  for (const c of chunks) yield create(UploadReleaseRequestSchema, { part: { case: "chunk", value: c } });
}

/** The error code of a call that must fail. */
async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (e) {
    return DcaError.from(e).code;
  }
  return "ok";
}

function hub(trustRoot = publicKeyOf(root)) {
  const h = adminHarness({ trustRoot });
  h.store.createSite("Acme");
  ensureHubTls(h.dataDir, { hostnames: ["localhost"] });
  const releases = () => (existsSync(join(h.dataDir, RELEASES_DIR)) ? readdirSync(join(h.dataDir, RELEASES_DIR)) : []);
  return { ...h, releases };
}

const BYTES = new TextEncoder().encode("#!/bin/sh\necho 0.2.0\n");

/** One call of every method of this group, as a caller who may make it would. */
const CALLS: Record<string, (api: AdminClient, n: number) => Promise<unknown>> = {
  uploadRelease: (api, n) => {
    const bytes = new TextEncoder().encode(`#!/bin/sh\necho 0.2.${n}\n`);
    return api.uploadRelease(upload(signed(bytes, `0.2.${n}`), bytes));
  },
  listReleases: (api) => api.listReleases({}),
  addRevocations: (api) => api.addRevocations({ list: JSON.stringify(revocations(root, 1)) }),
  getMqttPasswdFile: (api) => api.getMqttPasswdFile({}),
  getMqttAclFile: (api) => api.getMqttAclFile({}),
  issueBrokerCert: (api) => api.issueBrokerCert({ names: ["mqtt.example"] }),
  getRelayAuthorizedKeys: (api) => api.getRelayAuthorizedKeys({}),
};

describe("hub-file methods: who may call them", () => {
  test("a global admin and the owner may (certificates from the hub's CA: the owner only); a site's admin, technicians, viewers and billing may not", async () => {
    const h = hub();
    let n = 0;
    let ownerOnly = 0;
    for (const [method, call] of Object.entries(CALLS)) {
      expect(`${method}: ${await codeOf(call(h.api, ++n))}`).toBe(`${method}: ok`);
      const asAdmin = method === "issueBrokerCert" ? "permission-denied" : "ok";
      if (asAdmin !== "ok") ownerOnly++;
      expect(`${method} as admin: ${await codeOf(call(h.as("admin"), ++n))}`).toBe(`${method} as admin: ${asAdmin}`);
      for (const [role, site] of [["admin", "Acme"], ["technician", undefined], ["technician", "Acme"], ["viewer", undefined], ["billing", undefined]] as const) {
        expect(`${method} as ${role}${site ? ` of ${site}` : ""}: ${await codeOf(call(h.as(role, site), ++n))}`).toBe(`${method} as ${role}${site ? ` of ${site}` : ""}: permission-denied`);
      }
      expect(`${method} signed out: ${await codeOf(call(h.withBearer(undefined), ++n))}`).toBe(`${method} signed out: unauthenticated`);
    }
    // Refused uploads wrote nothing: only the two allowed ones are kept.
    expect(h.releases()).toHaveLength(2);
    // Every refusal is in the audit log, with who tried.
    const denied = h.store.listAudit({ limit: 1000 }).filter((e) => e.outcome === "denied");
    expect(denied.length).toBe(Object.keys(CALLS).length * 5 + ownerOnly);
  });
});

describe("hub-file methods: the narrow token scopes", () => {
  test("relay reaches only the relay's keys, broker only mosquitto's files (never a certificate)", async () => {
    const h = hub();
    let users = 0;
    const tokenOf = (scope: "relay" | "broker", role = "admin") => {
      const user = h.store.createUser({ username: `${scope}-${role}-${++users}`, createdBy: "test" });
      h.store.grantRole({ userId: user.id, role });
      return h.withBearer(h.store.createApiToken({ userId: user.id, name: scope, scope, expiresAt: new Date(h.clock.now() + 86_400_000) }).secret);
    };
    const allowed = { relay: ["getRelayAuthorizedKeys"], broker: ["getMqttPasswdFile", "getMqttAclFile"] };
    let n = 100;
    for (const scope of ["relay", "broker"] as const) {
      const api = tokenOf(scope);
      for (const [method, call] of Object.entries(CALLS)) {
        const want = allowed[scope].includes(method) ? "ok" : "permission-denied";
        expect(`${scope} ${method}: ${await codeOf(call(api, ++n))}`).toBe(`${scope} ${method}: ${want}`);
      }
      // A scope only narrows: a technician's token reaches nothing here.
      for (const method of allowed[scope]) expect(await codeOf(CALLS[method]!(tokenOf(scope, "technician"), ++n))).toBe("permission-denied");
    }
  });
});

describe("UploadRelease", () => {
  test("the file is kept under its SHA-256 and listed; the audit record says which release", async () => {
    const h = hub();
    const r = await h.api.uploadRelease(upload({ ...signed(BYTES), channel: "beta" }, BYTES.subarray(0, 5), BYTES.subarray(5)));
    const sha = createHash("sha256").update(BYTES).digest("hex");
    expect(r).toMatchObject({ added: true, release: { sha256: sha, name: "dca", version: "0.2.0", channel: "beta", url: "", size: BigInt(BYTES.length) } });
    expect(h.releases()).toEqual([sha]);
    const [rec] = h.store.listAudit({}).filter((e) => e.action === "UploadRelease");
    expect(rec).toMatchObject({ outcome: "ok", target: "release dca 0.2.0 linux-x64", detail: { sha256: sha, channel: "beta", added: true } });
  });

  test("malformed uploads are refused and leave nothing behind", async () => {
    const h = hub();
    const big = new Uint8Array(RELEASE_CHUNK_MAX_BYTES + 1);
    const cases: [AsyncGenerator<UploadReleaseRequest>, RegExp][] = [
      [upload(undefined, BYTES), /an upload starts with the release's file name/],
      [upload(signed(BYTES), BYTES, BYTES), /is refused: it is over \d+ bytes, the signed file's size/],
      [upload(signed(big), big), /an upload chunk is over 524288 bytes/],
      [upload(signed(BYTES), BYTES.subarray(1)), /is refused: it is \d+ bytes, the signed file \d+/],
      [upload({ ...signed(BYTES), url: "https://cdn.example/dca" }, BYTES), /a release served from --url is not uploaded/],
      [upload({ ...signed(BYTES), url: "https://cdn.example/dca", fileSize: BigInt(BYTES.length), fileSha256: "0".repeat(64) }), /its SHA-256 differs from the signed file's/],
      [upload({ ...signed(BYTES), url: "http://cdn.example/dca" }), /--url must be an https:\/\/ URL/],
      [upload({ ...signed(BYTES), channel: "nightly" }, BYTES), /--channel must be stable or beta/],
      [upload({ ...signed(BYTES), signature: "{}" }, BYTES), /dca-0.2.0 is refused: /],
    ];
    for (const [stream, why] of cases) await expect(h.api.uploadRelease(stream)).rejects.toThrow(why);
    expect(h.releases()).toEqual([]);
    expect((await h.api.listReleases({})).releases).toEqual([]);
  });

  test("a release served from a URL is checked by its measure and kept without a copy", async () => {
    const h = hub();
    const sha = createHash("sha256").update(BYTES).digest("hex");
    const r = await h.api.uploadRelease(upload({ ...signed(BYTES), url: "https://cdn.example/dca", fileSize: BigInt(BYTES.length), fileSha256: sha }));
    expect(r.release?.url).toBe("https://cdn.example/dca");
    expect(h.releases()).toEqual([]);
  });

  test("a hub with no root key built in refuses releases and revocation lists, saying why", async () => {
    const h = hub("");
    await expect(h.api.uploadRelease(upload(signed(BYTES), BYTES))).rejects.toThrow(/this hub is a development build with no root key built in/);
    await expect(h.api.addRevocations({ list: JSON.stringify(revocations(root, 1)) })).rejects.toThrow(/development build/);
    expect(h.releases()).toEqual([]);
  });
});
