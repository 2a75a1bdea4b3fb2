/**
 * SSH peers for relay tests, all on loopback: OpenSSH's client (/usr/bin/ssh
 * in batch mode with its own known_hosts and key, never the user's), ssh2's
 * client as the agent's tunnel will be, and an echo server for the far end
 * of a forward.
 */
import { writeFileSync } from "node:fs";
import { type Server, createServer } from "node:net";
import { join } from "node:path";
import { generateSshKeyPair } from "../../src/common/ssh-ed25519-key.ts";
import type { Duplex } from "node:stream";
import { Client } from "ssh2";
import { RELAY_ALGORITHMS } from "../../src/hub/relay/embedded-relay.ts";

/** An agent's key pair: the canonical public line and the private key file OpenSSH reads. */
export interface TestKey {
  publicKey: string;
  privateKey: string;
  file: string;
}

/** A new Ed25519 key pair, its private part written to `<dir>/<name>` (mode 0600). */
export function testKey(dir: string, name: string): TestKey {
  const kp = generateSshKeyPair(name);
  const file = join(dir, name);
  writeFileSync(file, kp.privateKey, { mode: 0o600 });
  return { publicKey: kp.publicKey.split(" ").slice(0, 2).join(" "), privateKey: kp.privateKey, file };
}

/** Writes a known_hosts file for `[127.0.0.1]:port` with `hostKey`; returns its path. */
export function knownHosts(dir: string, port: number, hostKey: string): string {
  const file = join(dir, `known_hosts_${port}`);
  writeFileSync(file, `[127.0.0.1]:${port} ${hostKey}\n`);
  return file;
}

/** Arguments of a batch-mode OpenSSH client that trusts only `known` and offers only `key`. */
export function sshArgs(known: string, key: string, port: number, user: string): string[] {
  return [
    "/usr/bin/ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", `UserKnownHostsFile=${known}`, "-o", "StrictHostKeyChecking=yes",
    "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-i", key, "-o", "ConnectTimeout=10", "-p", String(port), "-l", user,
  ];
}

/** Runs ssh to completion (bounded); its exit code and stderr. */
export async function runSsh(args: string[], ms = 20_000): Promise<{ exitCode: number; stderr: string; stdout: string }> {
  const p = Bun.spawn(args, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => p.kill(9), ms);
  const [stdout, stderr, exitCode] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  clearTimeout(timer);
  return { exitCode, stderr, stdout };
}

/** A loopback echo server; `close` ends it. */
export async function echoServer(): Promise<{ port: number; server: Server }> {
  const server = createServer((s) => {
    s.on("error", () => {});
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { port: (server.address() as { port: number }).port, server };
}

/** Writes `text` to `stream` and resolves with what comes back once that many bytes arrived. */
export function echoOnce(stream: Duplex, text: string, ms = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = "";
    const timer = setTimeout(() => reject(new Error(`no echo within ${ms} ms (got "${got}")`)), ms);
    stream.on("data", (d: Buffer) => {
      got += d.toString();
      if (got.length >= text.length) {
        clearTimeout(timer);
        resolve(got);
      }
    });
    stream.once("close", () => {
      clearTimeout(timer);
      if (got.length < text.length) reject(new Error(`closed before the echo (got "${got}")`));
    });
    stream.write(text);
  });
}

/** An ssh2 client logged in to a relay (TCP `port`, or the given `sock`), pinning `hostKey`. */
export function ssh2Connect(opts: { port?: number; sock?: Duplex; username: string; privateKey?: string; password?: string; hostKey: string }): Promise<Client> {
  const c = new Client();
  const pinned = Buffer.from(opts.hostKey.split(" ")[1]!, "base64");
  return new Promise((resolve, reject) => {
    c.once("ready", () => resolve(c));
    c.once("error", reject);
    c.connect({
      host: "127.0.0.1",
      port: opts.port,
      sock: opts.sock as never,
      username: opts.username,
      privateKey: opts.privateKey,
      password: opts.password,
      algorithms: RELAY_ALGORITHMS,
      hostVerifier: (key: Buffer) => key.equals(pinned),
      readyTimeout: 10_000,
      // ssh2 asks OpenSSH alone for streamlocal forwards unless told the server may do them too.
      strictVendor: false,
    });
  });
}

/** Asks for a streamlocal forward of `path`; resolves true if accepted. Each channel opened on it is piped to `127.0.0.1:echoPort`. */
export function forwardToEcho(c: Client, path: string, echoPort: number): Promise<boolean> {
  c.on("unix connection", (info, accept) => {
    if (info.socketPath !== path) return;
    const ch = accept();
    import("node:net").then(({ connect }) => {
      const s = connect(echoPort, "127.0.0.1");
      s.on("error", () => ch.destroy());
      ch.pipe(s).pipe(ch);
    });
  });
  return new Promise((resolve) => c.openssh_forwardInStreamLocal(path, (err) => resolve(!err)));
}

/** The `Match User` block's lines of docs/web-access.md ("OpenSSH sshd as the relay") after its AuthorizedKeysCommand lines, indented. */
export const DOCS_RELAY_MATCH_LINES = `  AllowStreamLocalForwarding remote
  AllowTcpForwarding remote
  PermitListen none
  PermitOpen none
  AllowAgentForwarding no
  X11Forwarding no
  PermitTTY no
  PermitTunnel no
  PermitUserRC no
  MaxSessions 0
  ForceCommand /bin/false
  StreamLocalBindUnlink yes
  StreamLocalBindMask 0117
  ClientAliveInterval 15
  ClientAliveCountMax 3`;

/** The global part of a test sshd's config: loopback only, its own host key, keys from no file, no passwords, no root. */
export function sshdTestGlobals(port: number, hostKey: string, pidFile: string): string {
  return `Port ${port}
ListenAddress 127.0.0.1
HostKey ${hostKey}
PidFile ${pidFile}
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile none
PermitRootLogin no
LogLevel VERBOSE`;
}

