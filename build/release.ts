/**
 * `npm run release`: builds both executables for every shipped target with the
 * root public key built in, and signs each (docs/release.md).
 *
 *   bun build/release.ts --root-pub build/release-root.pub \
 *     --signing-key signing.key --cert signing.cert --revocations revocations.json \
 *     [--targets linux-x64,linux-arm64,windows-x64,darwin-arm64] [--out build/release] [--no-build]
 *     [--version 0.2.0]
 *
 * --no-build signs the files already in OUT/VERSION again: after macOS code signing or Windows
 * Authenticode changed them (those come first, our signature is over the final bytes).
 * Each option can also come from the environment: DCA_RELEASE_ROOT_PUB, DCA_SIGNING_KEY,
 * DCA_SIGNING_CERT, DCA_REVOCATIONS. Writes OUT/VERSION/dca-TARGET[.exe] and dca-hub-TARGET[.exe],
 * each with its signature bundle beside it (FILE.sig), and SHA256SUMS. The chain is checked
 * before anything is built, and every bundle is checked against its file after. --version builds
 * and signs another version string than src/common/version.ts's (tests: a "new version").
 */
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  certificateValidAt,
  createBundle,
  openBundle,
  openCertificate,
  openRevocations,
  publicKeyOf,
} from "../src/common/release-signing/index.ts";
import { VERSION as SOURCE_VERSION } from "../src/common/version.ts";

const TARGETS = ["linux-x64", "linux-arm64", "windows-x64", "darwin-arm64"];
const repo = join(import.meta.dir, "..");
const args = process.argv.slice(2);
const opt = (name: string, env?: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : env ? process.env[env] : undefined;
};

function fail(message: string): never {
  console.error(`release: ${message}`);
  process.exit(2);
}

const rootPubFile = resolve(opt("root-pub", "DCA_RELEASE_ROOT_PUB") ?? join(repo, "build", "release-root.pub"));
const keyFile = opt("signing-key", "DCA_SIGNING_KEY") ?? fail("--signing-key (or $DCA_SIGNING_KEY) is required");
const certFile = opt("cert", "DCA_SIGNING_CERT") ?? fail("--cert (or $DCA_SIGNING_CERT) is required");
const revocationsFile = opt("revocations", "DCA_REVOCATIONS") ?? fail("--revocations (or $DCA_REVOCATIONS) is required");
const VERSION = opt("version") ?? SOURCE_VERSION;
const targets = (opt("targets") ?? TARGETS.join(",")).split(",");
const outDir = resolve(opt("out") ?? join(repo, "build", "release"), VERSION);
for (const t of targets) if (!TARGETS.includes(t)) fail(`unknown target ${t}; the targets are ${TARGETS.join(", ")}`);

const read = (file: string, what: string): string => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return fail(`cannot read the ${what} ${file}; docs/release.md says how the keys are made and kept`);
  }
};
const rootPub = read(rootPubFile, "root public key").trim();
const signingPem = read(keyFile, "signing key");
const certificate = JSON.parse(read(certFile, "certificate"));
const revocations = JSON.parse(read(revocationsFile, "revocation list"));

// The chain, before a minute of building: the same checks an agent makes, at today's date.
const cert = openCertificate(certificate, rootPub) ?? fail(`${certFile} is not certified by the root key in ${rootPubFile}`);
if (cert.publicKey !== publicKeyOf(signingPem)) fail(`${certFile} certifies another key than ${keyFile}`);
if (!certificateValidAt(cert, new Date())) fail(`${certFile} is valid from ${cert.notBefore} to ${cert.notAfter}, not now; certify a signing key anew`);
const list = openRevocations(revocations, rootPub) ?? fail(`${revocationsFile} is not a revocation list signed by the root key`);
if (list.revoked.some((r) => r.keyId === cert.keyId)) fail(`the signing key ${cert.keyId} is revoked in ${revocationsFile}`);

mkdirSync(outDir, { recursive: true });
for (const target of args.includes("--no-build") ? [] : targets) {
  const proc = Bun.spawnSync(
    [process.execPath, join(repo, "build", "compile.ts"), "--target", `bun-${target}`, "--out", outDir, "--trust-root", rootPubFile, "--version", VERSION],
    { cwd: repo, stdout: "inherit", stderr: "inherit" },
  );
  if (proc.exitCode !== 0) fail(`the build for ${target} failed`);
}

const sums: string[] = [];
for (const file of readdirSync(outDir).sort()) {
  const m = /^(dca|dca-hub)-([a-z0-9]+-[a-z0-9]+)(\.exe)?$/.exec(file);
  if (!m || !targets.includes(m[2])) continue;
  const bytes = readFileSync(join(outDir, file));
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const bundle = createBundle(signingPem, { certificate, revocations }, { name: m[1], version: VERSION, target: m[2], size: bytes.length, sha256 });
  const text = `${JSON.stringify(bundle, null, 2)}\n`;
  const opened = openBundle(text, rootPub);
  if (!opened.ok || opened.manifest.sha256 !== sha256) fail(`the bundle of ${file} does not check out: ${opened.ok ? "hash" : opened.reason}`);
  writeFileSync(join(outDir, `${file}.sig`), text);
  sums.push(`${sha256}  ${file}`);
  console.log(`signed ${file} (${bytes.length} bytes) with ${cert.keyId}`);
}
writeFileSync(join(outDir, "SHA256SUMS"), `${sums.join("\n")}\n`);
console.log(`release ${VERSION} in ${outDir}`);
