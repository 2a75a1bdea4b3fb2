import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createBundle, keyIdOf, publicKeyOf } from "../../common/release-signing/index.ts";
import { certify, newPrivateKey, revocations } from "../../../test/support/release-keys.ts";
import { RELEASES_DIR } from "../api/release-files.ts";
import { adminHarness } from "../../../test/support/admin-harness.ts";
import { runAdminCommand } from "./index.ts";
import { openHubStore } from "../store/index.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";

const root = newPrivateKey();
const signing = newPrivateKey();
const files = tempDir("dca-release-cmd-");

/** A "release" file (any bytes) with a bundle along `chain` (default: the good one). */
function releaseFile(name: string, version: string, opts: { signingPem?: string; certRoot?: string; listSerial?: number; revoked?: string[] } = {}) {
  const path = join(files, `${name}-${version}-${Math.random().toString(36).slice(2)}`);
  const bytes = Buffer.from(`#!/bin/sh\necho ${version}\n`);
  writeFileSync(path, bytes);
  const key = opts.signingPem ?? signing;
  const bundle = createBundle(
    key,
    { certificate: certify(opts.certRoot ?? root, key), revocations: revocations(root, opts.listSerial ?? 1, opts.revoked) },
    { name, version, target: "linux-x64", size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") },
  );
  writeFileSync(`${path}.sig`, JSON.stringify(bundle));
  return path;
}

function hub() {
  const { dataDir, clock, api } = adminHarness({ trustRoot: publicKeyOf(root) });
  return {
    dataDir,
    async run(...argv: string[]) {
      let out = "";
      let err = "";
      const code = await runAdminCommand(argv, { dataDir, clock, api, out: (s) => void (out += s), err: (s) => void (err += s) });
      return { code, out, err };
    },
  };
}

describe("release commands", () => {
  test("a signed release is kept and listed; the hub keeps a copy unless a URL serves it", async () => {
    const { dataDir, run } = hub();
    expect((await run("site", "create", "Acme")).code).toBe(0);
    const file = releaseFile("dca", "0.2.0");
    const added = await run("release", "add", file, "--channel", "beta");
    expect(added).toMatchObject({ code: 0, err: "" });
    expect(added.out).toContain("release dca 0.2.0 for linux-x64");
    const sha = createHash("sha256").update(readFileSync(file)).digest("hex");
    expect(readFileSync(join(dataDir, RELEASES_DIR, sha))).toEqual(readFileSync(file));
    const cdn = releaseFile("dca", "0.3.0");
    expect((await run("release", "add", cdn, "--url", "https://cdn.example/dca-0.3.0")).code).toBe(0);
    const list = JSON.parse((await run("release", "list", "--json")).out);
    expect(list.map((r: { version: string; channel: string; url: string }) => [r.version, r.channel, r.url])).toEqual([
      ["0.3.0", "stable", "https://cdn.example/dca-0.3.0"],
      ["0.2.0", "beta", ""],
    ]);
    const cdnSha = createHash("sha256").update(readFileSync(cdn)).digest("hex");
    expect(existsSync(join(dataDir, RELEASES_DIR, cdnSha))).toBe(false);
    expect((await run("release", "list")).out).toMatch(/^NAME\s+VERSION\s+TARGET\s+CHANNEL/);
  });

  test("a bad bundle is refused with one line and nothing is kept", async () => {
    const { run } = hub();
    const cases: [string, RegExp][] = [
      [releaseFile("dca", "0.2.0", { certRoot: newPrivateKey() }), /is refused: its signing key is not certified by the built-in root key/],
      [releaseFile("dca", "0.2.0", { revoked: [keyIdOf(publicKeyOf(signing))] }), /is refused: its signing key ed25519:\S+ is revoked/],
    ];
    const changed = releaseFile("dca", "0.2.0");
    writeFileSync(changed, "#!/bin/sh\necho 6.6.6\n");
    cases.push([changed, /is refused: its SHA-256 differs from the signed file's/]);
    const noSig = join(files, "no-sig");
    writeFileSync(noSig, "x");
    cases.push([noSig, /cannot read the signature bundle \S+no-sig\.sig \(ENOENT\)/]);
    for (const [file, why] of cases) {
      const r = await run("release", "add", file);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^dca-hub release add: [^\n]+\n$/);
      expect(r.err).toMatch(why);
    }
    expect((await run("release", "list", "--json")).out.trim()).toBe("[]");
  });

  test("a revocation list must be the root's; a release by a key it revokes is refused after", async () => {
    const { run } = hub();
    const forged = join(files, "forged.json");
    writeFileSync(forged, JSON.stringify(revocations(newPrivateKey(), 5)));
    expect((await run("release", "add-revocations", forged)).err).toMatch(/^dca-hub release add-revocations: \S+ is refused: it is not a revocation list signed by the built-in root key\n$/);
    const old = releaseFile("dca", "0.2.0");
    expect((await run("release", "add", old)).code).toBe(0);
    const list = join(files, "rev2.json");
    writeFileSync(list, JSON.stringify(revocations(root, 2, [keyIdOf(publicKeyOf(signing))])));
    const kept = await run("release", "add-revocations", list);
    expect(kept.out).toContain("revocation list 2 (1 revoked keys) kept");
    expect(kept.out).toContain("no longer offered (signed by a revoked key): dca 0.2.0 linux-x64");
    // The bundle carries list 1; the kept list 2 is newer and applies.
    expect((await run("release", "add", releaseFile("dca", "0.3.0"))).err).toMatch(/is revoked \(revocation list 2: test\)/);
  });

  test("site set-updates: channel, window, health, hold; shown by site show", async () => {
    const { run } = hub();
    await run("site", "create", "Acme");
    expect((await run("site", "set-updates", "Acme", "--channel", "beta", "--window", "Sat 01:00-05:00")).out).toBe(
      'site "Acme" updates: beta, Sat 01:00-05:00, healthy within 600s\n',
    );
    expect((await run("site", "set-updates", "Acme", "--hold")).out).toContain("held (beta; no release is offered)");
    expect((await run("site", "show", "Acme")).out).toContain("Updates    held (beta");
    expect((await run("site", "set-updates", "Acme", "--resume", "--window", "any", "--health", "2m")).out).toContain("beta, any time, healthy within 120s");
    expect((await run("site", "set-updates", "Acme", "--window", "Caturday 1-5")).err).toMatch(/^dca-hub site set-updates: --window must be /);
    expect((await run("site", "set-updates", "Acme", "--channel", "nightly")).code).toBe(2);
    expect(JSON.parse((await run("site", "show", "Acme", "--json")).out).updates).toEqual({ channel: "beta", window: "", hold: false, healthSeconds: 120 });
  });

  test("agent show says what the agent's last update came to", async () => {
    const { dataDir, run } = hub();
    await run("site", "create", "Acme");
    const store = openHubStore(dataDir);
    const site = store.getSite("Acme")!;
    const r = store.activate({ code: store.createActivationCode(site.id).code, installId: "b".repeat(32), hostname: "pc-1", agentVersion: "0.1.0", platform: "linux-x64" });
    if (!r.ok) throw new Error(r.reason);
    const status = "rolled back from 0.3.0 to 0.1.0: it stopped before it reached the hub";
    store.recordPoll(r.agent.id, { configVersion: 1n, outboxDepth: 0n, outboxBytes: 0n, droppedReadings: 0n, agentVersion: "0.1.0", hostname: "pc-1", lastError: "", knownDevices: 0, updateStatus: status });
    store.close();
    const shown = await run("agent", "show", r.agent.id);
    expect(shown.out).toContain(`Update     ${status}\n`);
    expect(shown.out).toContain("Version    0.1.0 (linux-x64)");
    expect(JSON.parse((await run("agent", "show", r.agent.id, "--json")).out).updateStatus).toBe(status);
    expect((await run("agent", "show", "agt_nope")).err).toBe('dca-hub agent show: unknown agent "agt_nope"; see "dca-hub agent list"\n');
  });
});
