/**
 * Compiles each side to one self-contained executable with `bun build
 * --compile` (minified, bytecode, ESM; the hub with source maps embedded).
 *
 * Code splitting keeps each dynamic import() a module of its own inside the
 * executable. Without it the bundle is one ESM module whose imports of node
 * and bun built-ins (http2, tls, crypto, zlib, bun:sqlite, bun:ffi...) are all
 * hoisted to its top and linked at start-up: `dca --version` paid 44 MB RSS
 * instead of 27, and every command paid for the built-ins of every other.
 *
 *   bun build/compile.ts                 # this machine's platform
 *   bun build/compile.ts --target bun-linux-arm64
 *   bun build/compile.ts --sourcemap     # the agent with source maps too
 *   bun build/compile.ts --trust-root root.pub --out DIR   # a release build (build/release.ts)
 *   bun build/compile.ts --only dca --version 0.2.0         # one executable, another version string
 *
 * --trust-root FILE builds the root public key in FILE (base64 of 32 bytes) into both
 * executables (DCA_TRUST_ROOT, src/common/trust-root.ts): such a build refuses to
 * run unless its signature bundle checks out. Without it the build is a development build.
 * --version V builds V in as the version (DCA_VERSION, src/common/version.ts) instead of the
 * source's: release builds of a tag leave it; tests build "new versions" of the same code with it.
 * --test-fault NAME (tests only) builds DCA_TEST_FAULT in: src/agent/update/test-fault.ts.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const root = join(import.meta.dir, "..");
const optionValue = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const outDir = resolve(optionValue("--out") ?? join(root, "build", "out"));
const target = optionValue("--target");
const trustRootFile = optionValue("--trust-root");
const trustRoot = trustRootFile === undefined ? undefined : readFileSync(trustRootFile, "utf8").trim();
if (trustRoot !== undefined && Buffer.from(trustRoot, "base64").length !== 32) {
  console.error(`build: ${trustRootFile} is not a root public key (base64 of 32 bytes); make one with "bun build/keys.ts root"`);
  process.exit(2);
}

/**
 * The agent's own flags, each measured with the shipped binary (test/bench/read/README.md, rows 1
 * and 2):
 * - JIT policy 1000: JavaScriptCore tiers code up 1,000 times later. A command runs for seconds and
 *   the service works in short passes, so most code never earns the optimizing compilers; compiling
 *   it anyway cost CPU and memory (`dca scan` of 250 printers: 1.2 s CPU and 85 MB instead of 1.4 s
 *   and 105 MB; `dca run` idle 4-7 MB less). Hot loops still reach the JIT; a sweep of a /16 pays
 *   about 0.1 s more CPU for it. `dca scan` and `dca read` set their own once started (src/agent/cli/
 *   batch-jit.ts: no optimising tiers, normal baseline threshold), which an executable cannot carry.
 * - No source maps: bun embeds them in the executable and keeps them mapped (about 1.3 MB of `dca
 *   run`); a user never sees a stack trace, and one from a bug report maps back with a build of the
 *   same commit (`bun build/compile.ts --sourcemap`).
 * - Bytecode order: the bytecode `dca run` uses, first and together (recorded by
 *   `bun test/bench/read/idle.ts --record-order build/dca-bytecode-order.txt`; an older profile
 *   still applies, functions it does not name come after). About 2 MB less of the executable read.
 */
const withMaps = process.argv.includes("--sourcemap");
const version = optionValue("--version");
if (version !== undefined && !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
  console.error(`build: --version ${version} is not a version such as 0.2.0 or 0.2.0-beta.1`);
  process.exit(2);
}
const testFault = optionValue("--test-fault");
const only = optionValue("--only");
const agentOrder = join(root, "build", "dca-bytecode-order.txt");
const entries = [
  {
    name: "dca",
    entry: "src/agent/main.ts",
    flags: ["--compile-jit-policy=1000", ...(existsSync(agentOrder) ? [`--bytecode-order=${agentOrder}`] : [])],
  },
  { name: "dca-hub", entry: "src/hub/main.ts", flags: ["--sourcemap"] },
];

mkdirSync(outDir, { recursive: true });
for (const { name, entry, flags } of entries.filter((e) => only === undefined || e.name === only)) {
  const suffix = target ? `-${target.replace(/^bun-/, "")}` : "";
  const file = `${name}${suffix}${target?.includes("windows") ? ".exe" : ""}`;
  const outfile = join(outDir, file);
  // The source maps are embedded in the executable; bun also writes one file per
  // chunk next to --outfile, so build in a folder of their own and move the executable out.
  const mapDir = join(outDir, "maps", name + suffix);
  rmSync(mapDir, { recursive: true, force: true });
  const args = [
    "build", "--compile", "--splitting", "--minify", "--bytecode", "--format=esm",
    ...new Set([...flags, ...(withMaps ? ["--sourcemap"] : [])]),
    "--external", "cpu-features",
    ...(target ? [`--target=${target}`] : []),
    ...(trustRoot ? ["--define", `DCA_TRUST_ROOT=${JSON.stringify(trustRoot)}`] : []),
    ...(version ? ["--define", `DCA_VERSION=${JSON.stringify(version)}`] : []),
    ...(testFault ? ["--define", `DCA_TEST_FAULT=${JSON.stringify(testFault)}`] : []),
    join(root, entry), "--outfile", join(mapDir, file),
  ];
  const proc = Bun.spawnSync([process.execPath, ...args], { cwd: root, stdout: "inherit", stderr: "inherit" });
  if (proc.exitCode !== 0) {
    console.error(`build of ${name} failed (exit ${proc.exitCode})`);
    process.exit(1);
  }
  renameSync(join(mapDir, file), outfile);
  console.log(`built ${outfile}`);
}
