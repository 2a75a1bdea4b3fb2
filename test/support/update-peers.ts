/**
 * Self-update peers: release builds of the agent and the hub with a test's own
 * root key built in (build/compile.ts --trust-root, --version, --only), signed
 * along that test's chain, and an agent installed from one of them into a
 * folder of its own (the executable and its .sig), activated against a hub.
 * A build takes a few seconds here: a test file builds each once.
 */
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createBundle, type SignedBlob } from "../../src/common/release-signing/index.ts";
import { type HubProcess, agentEnv, runCommand } from "./service-peers.ts";
import { writeTestChain } from "./release-keys.ts";
import { repoRoot } from "./shared-dir.ts";

/** This machine's target, as release manifests name it. */
export const TARGET = `${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`;

/** The chain a file is signed along (default: the test chain's). */
export interface SigningChain {
  signingPem: string;
  certificate: SignedBlob;
  revocations: SignedBlob;
}

/** Writes `file`.sig: a bundle for its bytes as `name` `version` for this target. */
export function signFile(file: string, name: string, version: string, chain: SigningChain, target = TARGET): void {
  const bytes = readFileSync(file);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const bundle = createBundle(chain.signingPem, { certificate: chain.certificate, revocations: chain.revocations }, { name, version, target, size: bytes.length, sha256 });
  writeFileSync(`${file}.sig`, JSON.stringify(bundle));
}

/** Builds `name` with the chain's root built in (and `version`, `fault`) into `dir`, signed; returns its path. */
function build(dir: string, rootPubFile: string, chain: SigningChain, name: "dca" | "dca-hub", version: string, fault?: string): string {
  const out = join(dir, `${name}-${version}${fault ? `-${fault}` : ""}`);
  const args = ["build/compile.ts", "--only", name, "--trust-root", rootPubFile, "--version", version, "--out", out, ...(fault ? ["--test-fault", fault] : [])];
  const r = Bun.spawnSync([process.execPath, ...args], { cwd: repoRoot, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`build of ${name} ${version} failed: ${r.stderr.toString()}`);
  const file = join(out, name);
  signFile(file, name, version, chain);
  return file;
}

/** A test root, its chain, and the builds a self-update test needs. */
export function buildUpdatePeers(dir: string, agents: { version: string; fault?: string }[]) {
  const keys = writeTestChain(dir);
  const chain: SigningChain = {
    signingPem: keys.signingPem,
    certificate: JSON.parse(readFileSync(keys.files.cert, "utf8")),
    revocations: JSON.parse(readFileSync(keys.files.revocations, "utf8")),
  };
  const hub = build(dir, keys.files.rootPub, chain, "dca-hub", "0.1.0");
  const built = new Map(agents.map((a) => [`${a.version}${a.fault ? `-${a.fault}` : ""}`, build(dir, keys.files.rootPub, chain, "dca", a.version, a.fault)]));
  return { keys, chain, hub, agent: (key: string) => built.get(key) ?? (() => { throw new Error(`no build ${key}`); })() };
}

/** Installs `binary` (and its .sig) as `<dir>/bin/dca` and activates it on `site` of `hub` with state `<dir>/state`. */
export async function installAgent(dir: string, binary: string, hub: HubProcess, site: string) {
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  const exe = join(bin, "dca");
  copyFileSync(binary, exe);
  copyFileSync(`${binary}.sig`, `${exe}.sig`);
  const state = join(dir, "state");
  const code = JSON.parse(await hub.must("code", "create", site, "--json")).code as string;
  const act = await runCommand([exe, "activate", "--hub", hub.url, "--code", code, "--ca", hub.caPath, "--state", state], agentEnv(state));
  if (act.exitCode !== 0) throw new Error(`activation failed: ${act.stderr}`);
  return { exe, state, run: (...args: string[]) => runCommand([exe, ...args]) };
}
