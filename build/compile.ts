/**
 * Compiles each side to one self-contained executable with `bun build
 * --compile` (minified, bytecode, ESM, source maps).
 *
 *   bun build/compile.ts                 # this machine's platform
 *   bun build/compile.ts --target bun-linux-arm64
 */
import { mkdirSync } from "node:fs";
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
  const outfile = join(outDir, `${name}${suffix}${target?.includes("windows") ? ".exe" : ""}`);
  const args = [
    "build", "--compile", "--minify", "--bytecode", "--format=esm", "--sourcemap",
    "--external", "cpu-features",
    ...(target ? [`--target=${target}`] : []),
    join(root, entry), "--outfile", outfile,
  ];
  const proc = Bun.spawnSync([process.execPath, ...args], { cwd: root, stdout: "inherit", stderr: "inherit" });
  if (proc.exitCode !== 0) {
    console.error(`build of ${name} failed (exit ${proc.exitCode})`);
    process.exit(1);
  }
  console.log(`built ${outfile}`);
}
