/**
 * Serves `.snmprec` recordings on loopback with Debian's snmpsimd (package `snmpsim`
 * 0.4.5): a real SNMP agent, so `dca read` is exercised over a socket exactly as in the
 * field. The SNMPv2c community is the file stem; `<name>@<context>.snmprec` answers to
 * community `<name>@<context>`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, join } from "node:path";
import { freeUdpPort } from "./free-port.ts";
import { probeAgent } from "./snmp-probe.ts";

/** A running SNMP agent on loopback. */
export interface SnmpAgent {
  host: string;
  port: number;
  /** The data directory served (a private copy of the recordings). */
  dataDir: string;
  /** The last lines the agent logged, for failure messages. */
  logTail(): string;
  stop(): Promise<void>;
}

export interface StartSnmpsimOptions {
  /** Recording files to serve; they are copied, so read-only sources are fine. */
  files: readonly string[];
  /** Community used to see whether the agent answers; defaults to the first file's stem. */
  probeCommunity?: string;
  /** How long to wait for the first answer. */
  startTimeoutMs?: number;
}

/** Path of snmpsimd (`SNMPSIMD` overrides the PATH lookup), or undefined. */
export function findSnmpsimd(): string | undefined {
  if (process.env.SNMPSIMD) return existsSync(process.env.SNMPSIMD) ? process.env.SNMPSIMD : undefined;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, "snmpsimd");
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Why snmpsimd-based tests cannot run here, or undefined when they can. */
export function snmpsimSkipReason(): string | undefined {
  return findSnmpsimd() ? undefined : "snmpsimd not found (apt-get install snmpsim, or set SNMPSIMD)";
}

/** The file stem, which is the community snmpsimd answers to. */
export function communityOf(file: string): string {
  return basename(file).replace(/\.snmprec$/, "");
}

/**
 * A private temp tree: `data/` with copies of the recordings and a writable `cache/`.
 * Everything is world-readable because snmpsimd run as root drops to nobody:nogroup
 * before it reads the files (and mkdtemp makes 0700 folders).
 */
function createTree(files: readonly string[]): { root: string; data: string; cache: string } {
  const root = mkdtempSync(join(tmpdir(), "dca-snmpsim-"));
  const data = join(root, "data");
  const cache = join(root, "cache");
  mkdirSync(data);
  mkdirSync(cache);
  chmodSync(root, 0o755);
  chmodSync(data, 0o755);
  chmodSync(cache, 0o777);
  for (const file of files) {
    const target = join(data, basename(file));
    copyFileSync(file, target);
    chmodSync(target, 0o644);
  }
  return { root, data, cache };
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => resolvePromise(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolvePromise(true);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  if (!(await waitForExit(child, 5000))) {
    child.kill("SIGKILL");
    await waitForExit(child, 5000);
  }
}

async function startOnce(binary: string, tree: ReturnType<typeof createTree>, options: StartSnmpsimOptions): Promise<SnmpAgent> {
  const port = await freeUdpPort();
  const args = [
    `--data-dir=${tree.data}`,
    `--cache-dir=${tree.cache}`,
    `--agent-udpv4-endpoint=127.0.0.1:${port}`,
    "--logging-method=stderr",
  ];
  if (process.getuid?.() === 0) args.push("--process-user=nobody", "--process-group=nogroup");
  // The log goes straight to a file: a pipe would stall snmpsimd (and every answer) as
  // soon as a caller blocks its event loop, for example with Bun.spawnSync.
  const logPath = join(tree.root, `snmpsimd-${port}.log`);
  const logFd = openSync(logPath, "w");
  const child = spawn(binary, args, { stdio: ["ignore", logFd, logFd] });
  closeSync(logFd);
  const logTail = () => {
    try {
      return readFileSync(logPath, "utf8").split("\n").slice(-40).join("\n");
    } catch {
      return "(no log)";
    }
  };
  const community = options.probeCommunity ?? communityOf(options.files[0] ?? "public");
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`snmpsimd exited (${child.exitCode ?? child.signalCode}) before answering:\n${logTail()}`);
    }
    if (await probeAgent("127.0.0.1", port, community, 300)) {
      return { host: "127.0.0.1", port, dataDir: tree.data, logTail, stop: () => stopChild(child) };
    }
  }
  await stopChild(child);
  throw new Error(`snmpsimd did not answer on 127.0.0.1:${port} (community ${community}) in time:\n${logTail()}`);
}

/**
 * Starts snmpsimd on 127.0.0.1 and a free port, and resolves once it answers a GET.
 * `stop()` ends the process and removes the temp tree.
 */
export async function startSnmpsim(options: StartSnmpsimOptions): Promise<SnmpAgent> {
  const binary = findSnmpsimd();
  if (!binary) throw new Error(snmpsimSkipReason());
  if (options.files.length === 0) throw new Error("startSnmpsim: no recordings given");
  const tree = createTree(options.files);
  let lastError: unknown;
  // The free port is found before snmpsimd binds it; another process may win the race.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const agent = await startOnce(binary, tree, options);
      return {
        ...agent,
        stop: async () => {
          await agent.stop();
          rmSync(tree.root, { recursive: true, force: true });
        },
      };
    } catch (e) {
      lastError = e;
    }
  }
  rmSync(tree.root, { recursive: true, force: true });
  throw lastError;
}
