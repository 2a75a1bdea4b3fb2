/**
 * A release build checks its own executable before it does anything but --version
 * and --help. Builds one signed release of the agent for this machine with keys made
 * here (build/release.ts, once), then runs changed copies of it: a byte flipped at
 * the start, in the middle and in bun's embedded program, truncated, bytes appended,
 * its built-in root key changed, and signature bundles by an unknown root, a revoked
 * key, an expired certificate, or none. Each refuses with the one line and exit 5 (INTEGRITY_EXIT);
 * the good one answers --version and scans a loopback /30.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INTEGRITY_EXIT } from "../../src/common/exit-codes.ts";
import { BUNDLE_MAX_BYTES, createBundle, keyIdOf, publicKeyOf, type SignatureBundle, type SignedBlob } from "../../src/common/release-signing/index.ts";
import { VERSION } from "../../src/common/version.ts";
import { type Fleet, startFleet } from "../sim/fleet.ts";
import { elfSection } from "../support/elf-section.ts";
import { certify, newPrivateKey, revocations, writeTestChain } from "../support/release-keys.ts";
import { repoRoot } from "../support/shared-dir.ts";

const target = `${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`;
const dir = mkdtempSync(join(tmpdir(), "dca-signed-"));
const state = join(dir, "state");
const port = 17100 + Math.floor(Math.random() * 500);
let chain: ReturnType<typeof writeTestChain>;
let binary: string;
let goodBundle: SignatureBundle;
let fleet: Fleet;

beforeAll(async () => {
  chain = writeTestChain(dir);
  const f = chain.files;
  const out = join(dir, "release");
  const build = Bun.spawnSync(
    [process.execPath, "build/release.ts", "--root-pub", f.rootPub, "--signing-key", f.signingKey, "--cert", f.cert,
      "--revocations", f.revocations, "--targets", target, "--out", out],
    { cwd: repoRoot, stdout: "pipe", stderr: "pipe" },
  );
  if (build.exitCode !== 0) throw new Error(`release build failed: ${build.stderr.toString()}`);
  binary = join(out, VERSION, `dca-${target}`);
  goodBundle = JSON.parse(readFileSync(`${binary}.sig`, "utf8"));
  fleet = await startFleet({
    devices: [{ address: "127.61.0.1", port, recording: join(repoRoot, "test/fixtures/snmprec/mono-laser.snmprec") }],
  });
}, 300_000);

afterAll(async () => {
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function run(exe: string, ...args: string[]) {
  const proc = Bun.spawn([exe, ...args], { stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, code };
}

/** Runs `dca status` on a copy changed by `change` (with the good bundle unless it writes its own). */
async function runChanged(change: (copy: string) => void) {
  const copy = join(dir, "changed");
  copyFileSync(binary, copy);
  writeFileSync(`${copy}.sig`, JSON.stringify(goodBundle));
  change(copy);
  try {
    return await run(copy, "status", "--state", state);
  } finally {
    rmSync(copy, { force: true });
    rmSync(`${copy}.sig`, { force: true });
  }
}

function flipByte(file: string, offset: number): void {
  const bytes = readFileSync(file);
  bytes[offset] ^= 0x01;
  writeFileSync(file, bytes);
}

/** A bundle for the good binary's size and hash, signed along another chain. */
function bundleFor(copy: string, signingPem: string, certificate: SignedBlob, revocationList: SignedBlob, signedAt?: Date): void {
  const { size, sha256 } = JSON.parse(goodBundle.manifest.body);
  const bundle = createBundle(signingPem, { certificate, revocations: revocationList }, { name: "dca", version: VERSION, target, size, sha256 }, signedAt);
  writeFileSync(`${copy}.sig`, JSON.stringify(bundle));
}

function expectRefused(r: { stdout: string; stderr: string; code: number }, reason: RegExp): void {
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(/^dca: this executable fails its integrity check: [^\n]+; reinstall it from a signed release\n$/);
  expect(r.stderr).toMatch(reason);
  expect(r.code).toBe(INTEGRITY_EXIT);
}

describe("a signed release build", () => {
  test("runs: --version says the version alone, scan finds the printer of a loopback /30", async () => {
    const v = await run(binary, "--version");
    expect(v).toEqual({ stdout: `dca ${VERSION}\n`, stderr: "", code: 0 });
    const scan = await run(binary, "scan", "127.61.0.0/30", "--port", String(port), "--timeout", "300ms", "--json");
    expect(scan.code).toBe(0);
    const lines = scan.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]).address).toBe(`127.61.0.1:${port}`);
  });

  test("a development build says so and checks nothing", async () => {
    const v = await run(process.execPath, join(repoRoot, "src/agent/main.ts"), "--version");
    expect(v.stdout).toBe(`dca ${VERSION} (development build, unsigned)\n`);
  });

  test("--version and --help answer even when the file fails", async () => {
    const r = await runChanged((copy) => appendFileSync(copy, "x"));
    expectRefused(r, /it is \d+ bytes, the signed file \d+/);
    const copy = join(dir, "changed-help");
    copyFileSync(binary, copy);
    try {
      expect((await run(copy, "--version")).code).toBe(0);
      expect((await run(copy, "--help")).code).toBe(0);
    } finally {
      rmSync(copy);
    }
  });
});

describe("a changed file refuses to run", () => {
  test("a byte flipped at the start (the ELF build-id note)", async () => {
    expectRefused(await runChanged((copy) => flipByte(copy, elfSection(readFileSync(copy), ".note.gnu.build-id")!.offset + 20)), /SHA-256 differs/);
  });

  test("a byte flipped in the middle", async () => {
    expectRefused(await runChanged((copy) => flipByte(copy, Math.floor(readFileSync(copy).length / 2))), /SHA-256 differs/);
  });

  test("a byte flipped in bun's embedded program (.bun)", async () => {
    expectRefused(
      await runChanged((copy) => {
        const bun = elfSection(readFileSync(copy), ".bun")!;
        flipByte(copy, bun.offset + Math.floor(bun.size / 2));
      }),
      /SHA-256 differs/,
    );
  });

  test("a byte of the built-in root key changed", async () => {
    expectRefused(
      await runChanged((copy) => {
        const bytes = readFileSync(copy);
        const at = bytes.indexOf(chain.rootPub);
        expect(at).toBeGreaterThan(0);
        bytes[at + 5] = bytes[at + 5] === 0x41 ? 0x42 : 0x41; // another base64 letter
        writeFileSync(copy, bytes);
      }),
      /SHA-256 differs|not certified by the built-in root key/,
    );
  });

  test("truncated by 4 KiB (deeper cuts into the embedded program bun refuses itself)", async () => {
    expectRefused(await runChanged((copy) => truncateSync(copy, readFileSync(copy).length - 4096)), /it is \d+ bytes, the signed file \d+/);
  });

  test("bytes appended", async () => {
    expectRefused(await runChanged((copy) => appendFileSync(copy, Buffer.alloc(16, 0x5a))), /it is \d+ bytes, the signed file \d+/);
  });
});

describe("a signature that does not lead to the built-in root refuses to run", () => {
  test("no signature file", async () => {
    expectRefused(await runChanged((copy) => rmSync(`${copy}.sig`)), /its signature file \S+changed\.sig is missing/);
  });

  test("a signature file too large to be one", async () => {
    expectRefused(await runChanged((copy) => writeFileSync(`${copy}.sig`, Buffer.alloc(BUNDLE_MAX_BYTES + 1, 0x20))), /is over 65536 bytes/);
  });

  test("a signing key certified by an unknown root", async () => {
    const otherRoot = newPrivateKey();
    const key = newPrivateKey();
    expectRefused(
      await runChanged((copy) => bundleFor(copy, key, certify(otherRoot, key), revocations(chain.rootPem, 1))),
      /its signing key is not certified by the built-in root key \(certified by ed25519:[0-9a-f]{16}\)/,
    );
  });

  test("a revoked signing key", async () => {
    const revokedId = keyIdOf(publicKeyOf(chain.signingPem));
    expectRefused(
      await runChanged((copy) => bundleFor(copy, chain.signingPem, certify(chain.rootPem, chain.signingPem), revocations(chain.rootPem, 2, [revokedId]))),
      new RegExp(`its signing key ${revokedId} is revoked \\(revocation list 2: test\\)`),
    );
  });

  test("signed after its key's certificate expired", async () => {
    const expired = certify(chain.rootPem, chain.signingPem, new Date(Date.now() - 40 * 86_400_000), 30);
    expectRefused(
      await runChanged((copy) => bundleFor(copy, chain.signingPem, expired, revocations(chain.rootPem, 1))),
      /it was signed at \S+, outside its signing key's certificate/,
    );
  });

  test("a manifest signed by a key other than the certified one", async () => {
    expectRefused(
      await runChanged((copy) => bundleFor(copy, newPrivateKey(), certify(chain.rootPem, chain.signingPem), revocations(chain.rootPem, 1))),
      /its manifest is not signed by its signing key/,
    );
  });
});
