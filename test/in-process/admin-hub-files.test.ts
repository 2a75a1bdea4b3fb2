/**
 * The `release`, `mqtt` and `relay` commands against a real hub on loopback
 * (in this process) over HTTP/2 and TLS, as the CLI reaches it: a release of
 * several upload chunks streamed and then downloaded as agents do, and sshd's
 * AuthorizedKeysCommand with --hub, --token-file and --ca and a relay token.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSshKeyPair } from "../../src/common/ssh-ed25519-key.ts";
import { createFileFetcher } from "../../src/agent/transport/index.ts";
import { downloadRelease } from "../../src/agent/update/download-release.ts";
import { createBundle, publicKeyOf } from "../../src/common/release-signing/index.ts";
import { connectAdmin } from "../../src/hub/admin/admin-client.ts";
import { runAdminCommand } from "../../src/hub/admin/index.ts";
import type { AdminIo } from "../../src/hub/admin/admin-context.ts";
import { type RunningHub, startHub } from "../../src/hub/server/start-hub.ts";
import { certify, newPrivateKey, revocations } from "../support/release-keys.ts";

const dir = mkdtempSync(join(tmpdir(), "dca-admin-hub-files-"));
const root = newPrivateKey();
const signing = newPrivateKey();
let hub: RunningHub;
let url = "";
let ownerToken = "";
let agentBearer = "";
let agentKey = "";
let agentId = "";

beforeAll(async () => {
  hub = await startHub({ dataDir: join(dir, "hub"), host: "127.0.0.1", port: 0, trustRoot: publicKeyOf(root), log: () => {} });
  url = hub.url.replace("localhost", "127.0.0.1");
  const owner = hub.store.createUser({ username: "owner", createdBy: "test" });
  hub.store.grantRole({ userId: owner.id, role: "owner" });
  ownerToken = hub.store.createSession({ userId: owner.id, method: "password", address: "127.0.0.1", client: "test" }).token;
  const relayUser = hub.store.createUser({ username: "relay", createdBy: "test" });
  hub.store.grantRole({ userId: relayUser.id, role: "admin" });
  const { secret } = hub.store.createApiToken({ userId: relayUser.id, name: "sshd", scope: "relay", expiresAt: new Date(Date.now() + 86_400_000) });
  writeFileSync(join(dir, "relay-token"), `${secret}\n`, { mode: 0o600 });
  writeFileSync(join(dir, "ca.pem"), hub.tls.caPem!);
  const site = hub.store.createSite("Acme");
  agentKey = generateSshKeyPair("test").publicKey.split(" ").slice(0, 2).join(" ");
  const r = hub.store.activate({ code: hub.store.createActivationCode(site.id).code, installId: "a".repeat(32), hostname: "pc", agentVersion: "0.1.0", platform: "linux-x64", sshPublicKey: agentKey });
  if (!r.ok) throw new Error(r.reason);
  agentId = r.agent.id;
  agentBearer = `Bearer ${r.agent.id}.${r.secret}`;
});

afterAll(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(io: Partial<AdminIo>, ...argv: string[]) {
  let out = "";
  let err = "";
  const code = await runAdminCommand(argv, { dataDir: dir, out: (s) => void (out += s), err: (s) => void (err += s), env: {}, ...io });
  return { code, out, err };
}

describe("hub files over the hub's port", () => {
  test("release add streams a file of several chunks; an agent downloads exactly it", async () => {
    const content = randomBytes(1_300_000);
    const sha = createHash("sha256").update(content).digest("hex");
    const file = join(dir, "dca-linux-x64");
    writeFileSync(file, content);
    const bundle = createBundle(
      signing,
      { certificate: certify(root, signing), revocations: revocations(root, 1) },
      { name: "dca", version: "0.2.0", target: "linux-x64", size: content.length, sha256: sha },
    );
    writeFileSync(`${file}.sig`, JSON.stringify(bundle));
    const api = connectAdmin({ hub: url, ca: hub.tls.caPem!, token: ownerToken });
    const added = await run({ api }, "release", "add", file);
    expect(added).toMatchObject({ code: 0, err: "" });
    expect(added.out).toContain(`release dca 0.2.0 for linux-x64 (${content.length} bytes, sha256 ${sha.slice(0, 16)}...) added`);
    expect(readFileSync(join(dir, "hub", "releases", sha))).toEqual(content);
    const f = createFileFetcher({ hubUrl: url, caPem: hub.tls.caPem, bearer: () => agentBearer });
    const dest = join(dir, "downloaded");
    await downloadRelease(f, `${url}/releases/${sha}`, content.length, dest);
    f.close();
    expect(readFileSync(dest)).toEqual(content);
    expect((await run({ api }, "release", "list")).out).toContain("0.2.0");
  });

  test("relay authorized-keys as sshd runs it: --hub, --token-file and --ca with a relay token", async () => {
    const r = await run({}, "relay", "authorized-keys", "--hub", url, "--token-file", join(dir, "relay-token"), "--ca", join(dir, "ca.pem"));
    expect(r).toEqual({ code: 0, out: `restrict,port-forwarding,command="/bin/false" ${agentKey} ${agentId}\n`, err: "" });
    const other = await run({}, "mqtt", "passwd-file", "-", "--hub", url, "--token-file", join(dir, "relay-token"), "--ca", join(dir, "ca.pem"));
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/^dca-hub mqtt passwd-file: permission denied: relay may not /);
  });

  test("mqtt acl-file and broker-cert from a signed-in admin", async () => {
    const api = connectAdmin({ hub: url, ca: hub.tls.caPem!, token: ownerToken });
    expect((await run({ api }, "mqtt", "acl-file", "-")).out).toContain("user dca-hub\n");
    const b = await run({ api }, "mqtt", "broker-cert", join(dir, "b.crt"), join(dir, "b.key"), "--name", "mqtt.example");
    expect(b).toMatchObject({ code: 0, err: "" });
    expect(readFileSync(join(dir, "b.crt"), "utf8")).toContain(hub.tls.caPem!.trim());
  });
});
