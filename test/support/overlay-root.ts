/**
 * A throw-away copy of this machine's root for package tests: an overlayfs whose
 * lower layer is the host's / (read only through it) and whose upper layer is a
 * folder of the test's, mounted in a private mount namespace (and a PID namespace)
 * that ends with each command. Every write (dpkg's database, the users adduser
 * makes, units enabled, state folders) lands in the upper folder; the host's files
 * never change and no process outlives its command. Needs root and overlayfs.
 *
 * Only the host's root file system is the lower layer, not the mounts on it: the
 * command gets its own /proc (of its PID namespace) and the host's /dev. /run is the
 * root file system's (no /run/systemd/system here: deb-systemd-invoke starts nothing).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

/** What a command inside the root printed and how it ended. */
export interface RootResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** How the unit's sandbox is imitated around a command (see `unitSandbox`). */
export interface Sandbox {
  /** Folders left writable under a read-only root (ProtectSystem=strict + StateDirectory). */
  writable: string[];
}

export interface OverlayRoot {
  /** The upper layer: what the commands changed, as files. */
  readonly upper: string;
  /** Runs `script` with sh inside the root as root; resolves when the namespace has ended. */
  run(script: string, env?: Record<string, string>, sandbox?: Sandbox): Promise<RootResult>;
  /** Starts `script` inside the root (its last command should `exec` the long-running one). */
  spawn(script: string, env?: Record<string, string>, sandbox?: Sandbox): Subprocess<"ignore", "pipe", "pipe">;
  /** Removes the layers (no namespace of it may be running). */
  remove(): void;
}

/** Whether overlayfs over / works here (root, unshare, overlay in the kernel). */
export function overlayRootProblem(): string | undefined {
  if (process.getuid?.() !== 0) return "not root";
  const root = createOverlayRoot();
  try {
    const r = Bun.spawnSync(["unshare", "--mount", "--pid", "--fork", "sh", "-c", mountScript(root.paths)], { stdout: "pipe", stderr: "pipe" });
    return r.exitCode === 0 ? undefined : `overlayfs over / cannot be mounted: ${r.stderr.toString().trim()}`;
  } catch (e) {
    return `unshare cannot run: ${(e as Error).message}`;
  } finally {
    root.remove();
  }
}

interface Paths {
  upper: string;
  work: string;
  merged: string;
}

function mountScript(p: Paths, sandbox?: Sandbox): string {
  const m = p.merged;
  const lines = [
    "set -e",
    `mount -t overlay overlay -o lowerdir=/,upperdir=${p.upper},workdir=${p.work} ${m}`,
    `mount --rbind /dev ${m}/dev`,
  ];
  if (!sandbox) {
    lines.push(`mount -t proc proc ${m}/proc`);
    return lines.join("\n");
  }
  // The unit's ProtectSystem=strict, StateDirectory, PrivateTmp, ProtectHome, ProtectProc=invisible and ProcSubset=pid.
  for (const dir of sandbox.writable) lines.push(`mount --bind ${m}${dir} ${m}${dir}`);
  lines.push(
    `mount -t proc -o hidepid=invisible,subset=pid proc ${m}/proc`,
    `mount -t tmpfs -o mode=1777 tmpfs ${m}/tmp`,
    `mount -t tmpfs -o ro,mode=0 tmpfs ${m}/home`,
    `mount -t tmpfs -o ro,mode=0 tmpfs ${m}/root`,
    `mount -o remount,bind,ro ${m}`,
  );
  return lines.join("\n");
}

/** Makes the layers in a new temporary folder. */
export function createOverlayRoot(): OverlayRoot & { paths: Paths } {
  const dir = mkdtempSync(join(tmpdir(), "dca-overlay-root-"));
  const paths = { upper: join(dir, "upper"), work: join(dir, "work"), merged: join(dir, "merged") };
  for (const d of Object.values(paths)) mkdirSync(d);
  const argv = (script: string, sandbox?: Sandbox) => [
    "unshare", "--mount", "--pid", "--fork", "--kill-child", "--propagation", "private",
    "sh", "-c", `${mountScript(paths, sandbox)}\nexec chroot ${paths.merged} /bin/sh -c "$1"`, "sh", script,
  ];
  const fullEnv = (env: Record<string, string>) => ({ PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C.UTF-8", ...env });
  return {
    paths,
    upper: paths.upper,
    async run(script, env = {}, sandbox) {
      const proc = Bun.spawn(argv(script, sandbox), { env: fullEnv(env), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
      const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      return { exitCode, stdout, stderr };
    },
    spawn(script, env = {}, sandbox) {
      return Bun.spawn(argv(script, sandbox), { env: fullEnv(env), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
