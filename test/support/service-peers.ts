/**
 * The hub and the agent as real processes, for the service tests and the
 * demo: `dca-hub serve` on loopback with its own data folder and CA, its
 * admin commands, and `dca activate` / `dca run` with their own state
 * folder. `DCA_HUB_BIN` / `DCA_BIN` pick compiled binaries; unset, the
 * sources run under this Bun.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Subprocess } from "bun";
import { dcaCommand } from "./dca-cli.ts";
import { repoRoot } from "./shared-dir.ts";

export function hubCommand(): string[] {
  const configured = process.env.DCA_HUB_BIN?.trim();
  if (!configured) return [process.execPath, join(repoRoot, "src/hub/main.ts")];
  return configured.split(/\s+/).map((a) => (a.endsWith(".ts") || a.startsWith("build/") ? join(repoRoot, a) : a));
}

export function agentCommand(): string[] {
  return dcaCommand().argv.map((a) => (a.endsWith(".ts") || a.startsWith("build/") ? join(repoRoot, a) : a));
}

export { freeTcpPort as freePort, freeUdpPort } from "./free-port.ts";

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runCommand(cmd: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<CommandResult> {
  const proc = Bun.spawn({ cmd, cwd: repoRoot, stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: timeoutMs, env: { ...process.env, ...env } });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { exitCode, stdout, stderr };
}

/** Collects a stream's text as it arrives, so a test can wait for a line. */
function collect(stream: ReadableStream<Uint8Array>): { text: () => string; waitFor: (re: RegExp, ms: number) => Promise<string> } {
  let text = "";
  const waiters = new Set<() => void>();
  (async () => {
    const dec = new TextDecoder();
    for await (const chunk of stream) {
      text += dec.decode(chunk, { stream: true });
      for (const w of waiters) w();
    }
  })().catch(() => {});
  return {
    text: () => text,
    waitFor: (re, ms) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(text);
          if (m) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(m[0]);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${re} within ${ms} ms; output so far:\n${text.slice(-3000)}`));
        }, ms);
        waiters.add(check);
        check();
      }),
  };
}

export interface HubProcess {
  url: string;
  port: number;
  dataDir: string;
  caFingerprint: string;
  caPath: string;
  proc: Subprocess;
  log(): string;
  /** DCA_HUB_SESSION for a dca-hub command run as the test owner. */
  sessionEnv: Record<string, string>;
  admin(...args: string[]): Promise<CommandResult>;
  /** admin(...) that must succeed; returns stdout. */
  must(...args: string[]): Promise<string>;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

/** The owner every test hub gets (admin-local before its first start), and the password kept beside its data folder. */
export const TEST_OWNER = "owner";
export const ownerPasswordFile = (dataDir: string) => join(dirname(dataDir), `${basename(dataDir)}.owner-password`);
const sessionFileOf = (dataDir: string) => join(dirname(dataDir), `${basename(dataDir)}.session.json`);

/** Makes the test owner of a hub's data folder once (the break-glass command, run before the hub starts). */
async function ensureTestOwner(dataDir: string, command: string[]): Promise<void> {
  const pw = ownerPasswordFile(dataDir);
  if (existsSync(pw)) return;
  mkdirSync(dirname(dataDir), { recursive: true });
  writeFileSync(pw, `test-pw-${randomBytes(9).toString("base64url")}\n`, { mode: 0o600 });
  const r = await runCommand([...command, "admin-local", "--data", dataDir, "owner", "create", TEST_OWNER, "--password-file", pw]);
  if (r.exitCode !== 0) throw new Error(`dca-hub admin-local owner create failed (${r.exitCode}): ${r.stderr || r.stdout}`);
}

/**
 * `dca-hub serve` on loopback; `command` runs another hub executable than hubCommand()'s (a test's own build).
 * `owner: false` starts a hub with no user at all (first-run setup): its admin commands then cannot sign in.
 */
export async function startHubProcess(dataDir: string, port = 0, extra: string[] = [], command = hubCommand(), opts: { owner?: boolean } = {}): Promise<HubProcess> {
  if (opts.owner !== false) await ensureTestOwner(dataDir, command);
  // MQTT over TLS on a free loopback port unless `extra` says otherwise (8883 may be taken by another test's hub).
  const mqtt = extra.some((a) => a.startsWith("--mqtt") || a === "--no-mqtt") ? [] : ["--mqtt-listen", "127.0.0.1:0"];
  // The relay's SSH port likewise (22 is sshd's, or another test hub's).
  const relay = extra.some((a) => a.startsWith("--relay")) ? [] : ["--relay-listen", "127.0.0.1:0"];
  const proc = Bun.spawn({
    cmd: [...command, "serve", "--data", dataDir, "--listen", `127.0.0.1:${port}`, ...mqtt, ...relay, ...extra],
    cwd: repoRoot,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const out = collect(proc.stdout);
  const err = collect(proc.stderr);
  let ready: { url: string; port: number; caFingerprint: string; caPath: string };
  try {
    const line = await Promise.race([
      out.waitFor(/\{"ready":true[^\n]*\}/, 30_000),
      proc.exited.then((code) => Promise.reject(new Error(`dca-hub serve exited with ${code}:\n${err.text()}`))),
    ]);
    ready = JSON.parse(line);
  } catch (e) {
    proc.kill(9);
    throw e;
  }
  // Admin commands are clients of the hub's API: the test owner signs in once, each command uses the session.
  const sessionEnv = { DCA_HUB_SESSION: sessionFileOf(dataDir) };
  const url = `https://127.0.0.1:${ready.port}`;
  // Signed in at the first admin command, not at start: a test that only restarts the hub pays nothing.
  let signedIn: Promise<void> | undefined;
  const signIn = () =>
    (signedIn ??= (async () => {
      const login = await runCommand([...command, "login", "--hub", url, "--ca", ready.caPath, "--user", TEST_OWNER, "--password-file", ownerPasswordFile(dataDir)], sessionEnv);
      if (login.exitCode !== 0) throw new Error(`dca-hub login failed (${login.exitCode}): ${login.stderr || login.stdout}`);
    })());
  const admin = async (...args: string[]) => {
    await signIn();
    return runCommand([...command, ...args], sessionEnv);
  };
  return {
    ...ready,
    url,
    sessionEnv,
    dataDir,
    proc,
    log: () => err.text() + out.text(),
    admin,
    async must(...args) {
      const r = await admin(...args);
      if (r.exitCode !== 0) throw new Error(`dca-hub ${args.join(" ")} failed (${r.exitCode}): ${r.stderr || r.stdout}`);
      return r.stdout;
    },
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
    async kill9() {
      proc.kill(9);
      await proc.exited;
    },
  };
}

export interface AgentProcess {
  proc: Subprocess;
  log(): string;
  waitForLog(re: RegExp, ms: number): Promise<string>;
  stop(): Promise<number>;
  kill9(): Promise<void>;
}

/**
 * The agent's environment in tests: its state folder, and the sealed lock
 * copy kept outside it in a folder beside it (never in the real home).
 */
export function agentEnv(stateDir: string): Record<string, string> {
  return { DCA_STATE_DIR: stateDir, DCA_SEAL_DIR: `${stateDir}.seal` };
}

/** `dca run --state DIR` with short backoff so tests recover fast (`shortBackoff: false`: the defaults, as a user runs it). */
export function startAgentProcess(
  stateDir: string,
  extra: string[] = [],
  env: Record<string, string> = {},
  opts: { shortBackoff?: boolean; command?: string[] } = {},
): AgentProcess {
  const backoff = opts.shortBackoff === false ? [] : ["--backoff-base", "200ms", "--backoff-cap", "1s"];
  const proc = Bun.spawn({
    cmd: [...(opts.command ?? agentCommand()), "run", "--state", stateDir, ...backoff, ...extra],
    cwd: repoRoot,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, ...agentEnv(stateDir), ...env },
  });
  const err = collect(proc.stderr);
  const out = collect(proc.stdout);
  return {
    proc,
    log: () => err.text() + out.text(),
    waitForLog: (re, ms) => err.waitFor(re, ms),
    async stop() {
      proc.kill("SIGTERM");
      return await proc.exited;
    },
    async kill9() {
      proc.kill(9);
      await proc.exited;
    },
  };
}

/** `dca activate` against a hub started by startHubProcess. */
export function activateAgent(hub: HubProcess, stateDir: string, code: string, extra: string[] = [], env: Record<string, string> = {}): Promise<CommandResult> {
  return runCommand([...agentCommand(), "activate", "--hub", hub.url, "--code", code, "--ca", hub.caPath, "--state", stateDir, ...extra], { ...agentEnv(stateDir), ...env });
}

/** Polls `check` until it returns a value, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await Bun.sleep(100);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}
