/**
 * `npm run package:msi`: the Windows agent's MSI from a release build, with wixl
 * (Debian's msitools). The package's layout and properties: build/packaging/dca.wxs
 * and docs/install-windows-macos.md.
 *
 *   bun build/msi.ts [--exe build/release/VERSION/dca-windows-x64.exe] [--out FILE.msi]
 *
 * The executable's signature bundle (FILE.sig, from `npm run release`) must be beside it: the
 * MSI installs both, as dca.exe and dca.exe.sig. Output: dca-VERSION-x64.msi beside the exe.
 * wixl drops two things the package needs, so they are set in its tables afterwards with
 * msibuild: the public properties in SecureCustomProperties, and HideTarget on the custom
 * action whose command line holds the activation code.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { VERSION } from "../src/common/version.ts";

const repo = join(import.meta.dir, "..");
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
function fail(message: string): never {
  console.error(`msi: ${message}`);
  process.exit(2);
}

/** The properties `msiexec /i dca.msi NAME=value` takes (docs/install-windows-macos.md). */
export const MSI_PROPERTIES = ["HUB_URL", "ACTIVATION_CODE", "CA_FINGERPRINT", "PROXY", "REMOVE_STATE"];
/** The setup action's type bits (msidbCustomActionType*): an installed exe, deferred, as SYSTEM, its command line out of the log. */
const EXE_FROM_INSTALLED_FILE = 18;
const DEFERRED = 0x400;
const NO_IMPERSONATE = 0x800;
const HIDE_TARGET = 0x2000;

const exe = resolve(opt("exe") ?? join(repo, "build", "release", VERSION, "dca-windows-x64.exe"));
const out = resolve(opt("out") ?? join(dirname(exe), `dca-${VERSION}-x64.msi`));
if (!existsSync(exe)) fail(`${exe} does not exist; build it with "npm run release -- --targets windows-x64 ..." (docs/release.md)`);
if (!existsSync(`${exe}.sig`)) fail(`${exe}.sig is missing: the MSI ships a signed release build only ("npm run release")`);

function run(cmd: string[], cwd: string): void {
  const p = Bun.spawnSync(cmd, { cwd, stdout: "pipe", stderr: "pipe" });
  // wixl prints GLib warnings for attributes it ignores; only a failure's words matter.
  if (p.exitCode !== 0) fail(`${basename(cmd[0])} failed (exit ${p.exitCode}): ${p.stderr.toString().trim() || p.stdout.toString().trim()}`);
}
for (const tool of ["wixl", "msibuild"]) if (!Bun.which(tool)) fail(`${tool} is not installed (Debian: apt-get install wixl msitools)`);

// wixl takes sources relative to the .wxs only, and names the installed files after them.
const stage = mkdtempSync(join(tmpdir(), "dca-msi-"));
try {
  copyFileSync(exe, join(stage, "dca.exe"));
  copyFileSync(`${exe}.sig`, join(stage, "dca.exe.sig"));
  const wxs = readFileSync(join(repo, "build", "packaging", "dca.wxs"), "utf8").replaceAll("@VERSION@", VERSION);
  writeFileSync(join(stage, "dca.wxs"), wxs);
  rmSync(out, { force: true });
  run(["wixl", "-a", "x64", "-o", out, "dca.wxs"], stage);
  const q = (sql: string) => run(["msibuild", out, "-q", sql], stage);
  q(`UPDATE \`Property\` SET \`Value\` = 'WIX_DOWNGRADE_DETECTED;WIX_UPGRADE_DETECTED;${MSI_PROPERTIES.join(";")}' WHERE \`Property\` = 'SecureCustomProperties'`);
  q(`UPDATE \`CustomAction\` SET \`Type\` = ${EXE_FROM_INSTALLED_FILE | DEFERRED | NO_IMPERSONATE | HIDE_TARGET} WHERE \`Action\` = 'SetupState'`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
console.log(`built ${out} (${statSync(out).size} bytes; dca.exe ${statSync(exe).size} bytes)`);
