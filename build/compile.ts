/**
 * Compiles each side to one self-contained executable with `bun build
 * --compile` (minified, bytecode, ESM, source maps embedded).
 *
 * Code splitting keeps each dynamic import() a module of its own inside the
 * executable. Without it the bundle is one ESM module whose imports of node
 * and bun built-ins (http2, tls, crypto, zlib, bun:sqlite, bun:ffi...) are all
 * hoisted to its top and linked at start-up: `dca --version` paid 44 MB RSS
 * instead of 27, and every command paid for the built-ins of every other.
 *
 *   bun build/compile.ts                 # this machine's platform
 *   bun build/compile.ts --target bun-linux-arm64
 */
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const outDir = join(root, "build", "out");
const targetIdx = process.argv.indexOf("--target");
const target = targetIdx > 0 ? process.argv[targetIdx + 1] : undefined;

const entries = [
  { name: "dca", entry: "src/agent/main.ts" },
  { name: "dca-hub", entry: "src/hub/main.ts" },
];

mkdirSync(outDir, { recursive: true });
for (const { name, entry } of entries) {
  const suffix = target ? `-${target.replace(/^bun-/, "")}` : "";
  const file = `${name}${suffix}${target?.includes("windows") ? ".exe" : ""}`;
  const outfile = join(outDir, file);
  // The source maps are embedded in the executable; bun also writes one file per
  // chunk next to --outfile, so build in a folder of their own and move the executable out.
  const mapDir = join(outDir, "maps", name + suffix);
  rmSync(mapDir, { recursive: true, force: true });
  const args = [
    "build", "--compile", "--splitting", "--minify", "--bytecode", "--format=esm", "--sourcemap",
    "--external", "cpu-features",
    ...(target ? [`--target=${target}`] : []),
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
