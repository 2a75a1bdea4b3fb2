/**
 * A throw-away wine prefix for running the Windows build here (Debian's wine 8, 64-bit): made
 * with wineboot, with the bcryptprimitives.dll that wine 8 lacks (forwarder-dll.ts), and a
 * `cmd` kept open while it is in use, because wine ends its services (services.exe and the
 * services it started) when the last ordinary wine process exits.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { forwarderDll } from "./forwarder-dll.ts";

export interface WinePrefix {
  readonly dir: string;
  /** C:\ of the prefix, as a Linux path. */
  readonly driveC: string;
  /** Runs a Windows command line in the prefix. */
  run(args: readonly string[], timeoutMs?: number): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Ends the prefix's wineserver (and every process in it) and deletes the prefix. */
  close(): Promise<void>;
}

/** Why the wine tests cannot run here, or undefined when they can. */
export function wineMissing(): string | undefined {
  return Bun.which("wine") ? undefined : "wine is not installed (Debian: apt-get install wine wine64)";
}

export async function createWinePrefix(dir: string): Promise<WinePrefix> {
  mkdirSync(dir, { recursive: true });
  const env = { ...process.env, WINEPREFIX: dir, WINEDEBUG: "-all", WINEDLLOVERRIDES: "mscoree,mshtml=" };
  const run = async (args: readonly string[], timeoutMs = 120_000) => {
    const proc = Bun.spawn(["wine", ...args], { env, stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: timeoutMs });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, stdout, stderr };
  };
  const boot = Bun.spawnSync(["wineboot", "-i"], { env, stdout: "pipe", stderr: "pipe", timeout: 180_000 });
  if (boot.exitCode !== 0) throw new Error(`wineboot failed (${boot.exitCode}): ${boot.stderr.toString().slice(-2000)}`);
  const driveC = join(dir, "drive_c");
  writeFileSync(join(driveC, "windows", "system32", "bcryptprimitives.dll"), forwarderDll("bcryptprimitives.dll", { ProcessPrng: "advapi32.SystemFunction036" }));
  const keepAlive: Subprocess = Bun.spawn(["wine", "cmd"], { env, stdin: "pipe", stdout: "ignore", stderr: "ignore" });
  return {
    dir,
    driveC,
    run,
    async close() {
      keepAlive.kill();
      Bun.spawnSync(["wineserver", "-k"], { env });
      await keepAlive.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The Windows path of a Linux path (wine maps / to Z:). */
export function windowsPath(linuxPath: string): string {
  return `Z:${linuxPath.replaceAll("/", "\\")}`;
}
