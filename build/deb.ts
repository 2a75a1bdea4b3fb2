/**
 * `npm run package:deb`: the agent's and the hub's Debian packages, built with
 * dpkg-deb from executables already built (docs/install.md).
 *
 *   bun build/deb.ts                          # build/out/dca and dca-hub (this machine's arch)
 *   bun build/deb.ts --from build/release/0.1.0 [--out DIR]   # dca-linux-x64, -arm64 with .sig
 *   bun build/deb.ts --version 0.1.0+1 --only dca              # another package version, one package
 *   bun build/deb.ts --compress gzip          # faster (tests); the default xz -6 is the smallest
 *
 * From a release folder (build/release.ts) each linux-x64 and linux-arm64 executable present is
 * packaged with its signature bundle beside it: /usr/lib/dca/dca and /usr/lib/dca/dca.sig, where
 * the agent's check at start looks (src/agent/integrity/verify-self.ts: the path of the running
 * file + ".sig"; /usr/bin/dca is a symlink to it). Writes OUT/dca_VERSION_ARCH.deb and
 * dca-hub_VERSION_ARCH.deb (OUT: the --from folder by default). The files beside this script
 * (build/deb/PACKAGE/) are the control files, maintainer scripts and units.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { VERSION } from "../src/common/version.ts";
import { manPage } from "./deb/man-page.ts";

const repo = join(import.meta.dir, "..");
const templates = join(import.meta.dir, "deb");
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

function fail(message: string): never {
  console.error(`package:deb: ${message}`);
  process.exit(2);
}

/** Debian's name for each bun target; the plain build/out names are this machine's. */
const ARCHES: Record<string, string> = { "linux-x64": "amd64", "linux-arm64": "arm64" };
const hostArch = ARCHES[`linux-${process.arch}`];
const from = resolve(opt("from") ?? join(repo, "build", "out"));
const out = resolve(opt("out") ?? from);
const version = opt("version") ?? VERSION;
const only = opt("only");
/**
 * xz -6, dpkg-deb's default: 41 MB for the 115 MB agent, read by every dpkg, but about 90 s of
 * CPU per package; gzip: 54 MB in a few seconds (tests). Not zstd: lintian refuses it (malformed-deb-archive).
 */
const compress = opt("compress") ?? "xz";
const maintainer = process.env.DCA_DEB_MAINTAINER ?? "dca release team <release@dca.invalid>";
const homepage = process.env.DCA_DEB_HOMEPAGE ?? "https://dca.invalid/";
if (!/^[0-9][A-Za-z0-9.+~]*$/.test(version)) fail(`--version ${version} is not a Debian version of a native package (digits first; letters, digits, . + ~)`);
if (only !== undefined && only !== "dca" && only !== "dca-hub") fail("--only takes dca or dca-hub");
if (compress !== "xz" && compress !== "gzip") fail("--compress takes xz or gzip");

/** What one package installs, past the files every package has. */
interface PackageSpec {
  name: "dca" | "dca-hub";
  /** The maintainer scripts and control files in build/deb/NAME/ that go to DEBIAN/. */
  control: string[];
  /** Extra files: [source in build/deb/NAME/, path in the package, mode]. */
  files: [string, string, number][];
}

const SPECS: PackageSpec[] = [
  {
    name: "dca",
    control: ["config", "templates", "postinst", "prerm", "postrm"],
    files: [
      ["dca.service", "lib/systemd/system/dca.service", 0o644],
      ["default.example", "usr/share/doc/dca/examples/default.example", 0o644],
      ["preseed.example", "usr/share/doc/dca/examples/preseed.example", 0o644],
    ],
  },
  {
    name: "dca-hub",
    control: ["conffiles", "postinst", "prerm", "postrm"],
    files: [
      ["dca-hub.service", "lib/systemd/system/dca-hub.service", 0o644],
      ["default", "etc/default/dca-hub", 0o644],
    ],
  },
];

/** The executables to package: [bun target name, Debian arch, path]. */
function executables(name: string): [string, string][] {
  const found: [string, string][] = [];
  if (hostArch && existsSync(join(from, name))) found.push([hostArch, join(from, name)]);
  for (const [target, arch] of Object.entries(ARCHES)) {
    const file = join(from, `${name}-${target}`);
    if (existsSync(file) && !found.some(([a]) => a === arch)) found.push([arch, file]);
  }
  return found;
}

function put(root: string, path: string, content: string | Buffer, mode: number): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
  writeFileSync(file, content);
  chmodSync(file, mode);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Builds one package in a temporary root; returns the .deb's path. */
function buildPackage(spec: PackageSpec, arch: string, executable: string): string {
  const root = mkdtempSync(join(tmpdir(), `deb-${spec.name}-`));
  try {
    const own = (f: string) => join(templates, spec.name, f);
    const lib = `usr/lib/${spec.name}`;
    put(root, `${lib}/${spec.name}`, readFileSync(executable), 0o755);
    if (existsSync(`${executable}.sig`)) put(root, `${lib}/${spec.name}.sig`, readFileSync(`${executable}.sig`), 0o644);
    mkdirSync(join(root, "usr/bin"), { recursive: true });
    symlinkSync(`../lib/${spec.name}/${spec.name}`, join(root, "usr/bin", spec.name));
    for (const [source, path, mode] of spec.files) put(root, path, readFileSync(own(source)), mode);
    const doc = `usr/share/doc/${spec.name}`;
    put(root, `${doc}/copyright`, readFileSync(join(templates, "common", "copyright")), 0o644);
    put(root, `${doc}/README.Debian`, readFileSync(own("README.Debian")), 0o644);
    put(root, `usr/share/man/man1/${spec.name}.1.gz`, gzipSync(manPage(spec.name), { level: 9 }), 0o644);
    put(root, `usr/share/lintian/overrides/${spec.name}`, readFileSync(join(templates, "common", "lintian-overrides")).toString().replaceAll("@NAME@", spec.name), 0o644);
    const date = new Date().toUTCString().replace("GMT", "+0000");
    const changelog = `${spec.name} (${version}) unstable; urgency=medium\n\n  * Release ${version}: see the release notes of dca ${VERSION}.\n\n -- ${maintainer}  ${date}\n`;
    put(root, `${doc}/changelog.gz`, gzipSync(changelog, { level: 9 }), 0o644);

    const payload = filesUnder(root);
    const installedKb = Math.ceil(payload.reduce((n, f) => n + statSync(f).size, 0) / 1024);
    const md5sums = payload.map((f) => `${createHash("md5").update(readFileSync(f)).digest("hex")}  ${relative(root, f)}`).join("\n");
    put(root, "DEBIAN/md5sums", `${md5sums}\n`, 0o644);
    const control = readFileSync(own("control"), "utf8")
      .replace("@VERSION@", version)
      .replace("@ARCH@", arch)
      .replace("@MAINTAINER@", maintainer)
      .replace("@HOMEPAGE@", homepage)
      .replace("@INSTALLED_SIZE@", String(installedKb));
    put(root, "DEBIAN/control", control, 0o644);
    for (const f of spec.control) put(root, `DEBIAN/${f}`, readFileSync(own(f)), /^(config|postinst|prerm|postrm)$/.test(f) ? 0o755 : 0o644);

    mkdirSync(out, { recursive: true });
    const deb = join(out, `${spec.name}_${version}_${arch}.deb`);
    // --root-owner-group: root owns every file, whoever builds.
    const proc = Bun.spawnSync(["dpkg-deb", "--root-owner-group", `-Z${compress}`, "--build", root, deb], { stdout: "pipe", stderr: "pipe" });
    if (proc.exitCode !== 0) fail(`dpkg-deb failed for ${spec.name} ${arch}: ${proc.stderr.toString().trim()}`);
    return deb;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (Bun.spawnSync(["dpkg-deb", "--version"], { stdout: "ignore", stderr: "ignore" }).exitCode !== 0) {
  fail("dpkg-deb is not installed (Debian: apt-get install dpkg)");
}
let built = 0;
for (const spec of SPECS) {
  if (only && spec.name !== only) continue;
  const found = executables(spec.name);
  if (!found.length) fail(`no ${spec.name} or ${spec.name}-linux-x64/-linux-arm64 in ${from}; run "npm run build" or "npm run release" first`);
  for (const [arch, executable] of found) {
    const deb = buildPackage(spec, arch, executable);
    const signed = existsSync(`${executable}.sig`) ? "with its signature bundle" : "unsigned (no .sig beside it)";
    console.log(`built ${deb} (${statSync(deb).size} bytes; ${relative(repo, executable) || executable} ${signed})`);
    built++;
  }
}
if (!built) fail("nothing to package");
