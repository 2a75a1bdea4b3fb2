/**
 * The macOS launch daemon (build/packaging/macos): the plist read by Python's plistlib (an
 * independent parser of Apple's format; plutil is macOS-only) and its keys checked, and the
 * install script checked by sh -n and run against a stand-in root where it must refuse.
 * launchd itself cannot run here: docs/install-windows-macos.md says what is and is not verified.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { announceSkip, repoRoot } from "../support/shared-dir.ts";

const dir = join(repoRoot, "build", "packaging", "macos");
const python = Bun.which("python3");
if (!python) announceSkip("launchd plist", "python3 is not installed (its plistlib reads the plist)");

function readPlist(file: string): Record<string, unknown> {
  const code = "import json,plistlib,sys; print(json.dumps(plistlib.load(open(sys.argv[1],'rb'))))";
  const p = Bun.spawnSync([python!, "-c", code, file], { stdout: "pipe", stderr: "pipe" });
  if (p.exitCode !== 0) throw new Error(`plistlib: ${p.stderr.toString()}`);
  return JSON.parse(p.stdout.toString());
}

describe.skipIf(!python)("com.dca.agent.plist", () => {
  test("runs dca run as root on the state folder, at boot, started again whenever it exits; logs to /Library/Logs", () => {
    const plist = readPlist(join(dir, "com.dca.agent.plist"));
    expect(plist).toEqual({
      Label: "com.dca.agent",
      ProgramArguments: ["/usr/local/dca/dca", "run", "--state", "/Library/Application Support/dca"],
      RunAtLoad: true,
      KeepAlive: true,
      ThrottleInterval: 10,
      ExitTimeOut: 10,
      ProcessType: "Background",
      WorkingDirectory: "/Library/Application Support/dca",
      Umask: 0o77,
      StandardOutPath: "/Library/Logs/dca.log",
      StandardErrorPath: "/Library/Logs/dca.log",
    });
    // A launch daemon runs as root unless it names a user; dca needs root for its state folder and ICMP.
    expect(plist.UserName).toBeUndefined();
  });

  test("the install script and the plist agree on the label, paths and state folder", async () => {
    const script = await Bun.file(join(dir, "install.sh")).text();
    const plist = readPlist(join(dir, "com.dca.agent.plist"));
    const args = plist.ProgramArguments as string[];
    expect(script).toContain(`label=${plist.Label}`);
    expect(script).toContain(`bin_dir=${args[0].replace(/\/dca$/, "")}`);
    expect(script).toContain(`state_dir="${args[3]}"`);
    expect(script).toContain(`plist=/Library/LaunchDaemons/${plist.Label}.plist`);
  });
});

describe("install.sh", () => {
  test("is valid sh, and never puts the activation code on a command line", async () => {
    expect(Bun.spawnSync(["sh", "-n", join(dir, "install.sh")]).exitCode).toBe(0);
    const script = await Bun.file(join(dir, "install.sh")).text();
    expect(script).not.toMatch(/--code\b/);
    expect(script).not.toMatch(/--proxy\b/);
  });

  test("refuses, in one line, when a file it ships with is missing", () => {
    const copy = join(Bun.env.TMPDIR ?? "/tmp", `dca-install-${process.pid}.sh`);
    Bun.spawnSync(["cp", join(dir, "install.sh"), copy]);
    const p = Bun.spawnSync(["sh", copy], { stdout: "pipe", stderr: "pipe" });
    Bun.spawnSync(["rm", "-f", copy]);
    if (process.getuid?.() === 0) {
      expect(p.exitCode).toBe(2);
      expect(p.stderr.toString()).toMatch(/^dca install: \/[^\n]*\/dca is missing; it ships beside this script\n$/);
    } else {
      expect(p.stderr.toString()).toBe("dca install: run it as root (sudo)\n");
    }
  });
});
