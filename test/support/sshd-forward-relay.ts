/**
 * Debian's OpenSSH sshd as a web-access relay, on a free loopback port:
 * its own config, host key and authorized_keys in a temp folder, and a
 * config that allows one thing only, remote streamlocal forwarding for the
 * keys it lists (no shell, no TTY, no TCP, agent or X11 forwarding). The
 * hub reads the forwarded sockets in `socketDir`. Needs root (sshd's
 * privilege separation), as the tests run.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeTcpPort } from "./free-port.ts";
import { stopChild, waitForPort } from "./peer-process.ts";

const SSHD = "/usr/sbin/sshd";

/** Why these tests cannot run here, or undefined when they can. */
export function sshdSkipReason(): string | undefined {
  if (!existsSync(SSHD)) return "OpenSSH's sshd is not installed (apt-get install openssh-server)";
  if (process.getuid?.() !== 0) return "sshd as a relay needs root (privilege separation)";
  return undefined;
}

/** A running sshd relay. */
export interface SshdRelay {
  /** The listener's pid; each connection is a child process of it. */
  pid: number;
  port: number;
  /** "ssh://127.0.0.1:PORT" */
  url: string;
  /** Its host key, OpenSSH public form: what the hub puts in task.relay.host_key. */
  hostKey: string;
  /** The user agents log in as. */
  username: string;
  /** Where forwarded sockets are made: a task's forward_path is `${socketDir}/<random>.sock`. */
  socketDir: string;
  log(): string;
  stop(): Promise<void>;
}

/** Starts sshd admitting exactly `agentKeys` (OpenSSH public key lines). */
export async function startSshdRelay(agentKeys: readonly string[]): Promise<SshdRelay> {
  const dir = mkdtempSync(join(tmpdir(), "dca-sshd-"));
  const socketDir = join(dir, "sockets");
  mkdirSync(socketDir, { mode: 0o700 });
  // sshd refuses to start without its privilege separation folder.
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "relay", "-f", join(dir, "host_ed25519")]);
  const hostKey = readFileSync(join(dir, "host_ed25519.pub"), "utf8").trim().split(/\s+/).slice(0, 2).join(" ");
  writeFileSync(join(dir, "authorized_keys"), agentKeys.map((k) => `restrict,port-forwarding ${k}\n`).join(""), { mode: 0o600 });
  const port = await freeTcpPort();
  const username = "root";
  writeFileSync(
    join(dir, "sshd_config"),
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(dir, "host_ed25519")}`,
      "PidFile none",
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      "StrictModes no",
      "UsePAM no",
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin prohibit-password",
      `AllowUsers ${username}`,
      "AllowStreamLocalForwarding remote",
      "StreamLocalBindUnlink yes",
      "StreamLocalBindMask 0177",
      // OpenSSH 9.2 checks a remote streamlocal forward against the remote TCP permission too (check_rfwd_permission):
      // "remote" with PermitListen none allows the socket and still refuses every TCP listen (-R port).
      "AllowTcpForwarding remote",
      "PermitListen none",
      "AllowAgentForwarding no",
      "X11Forwarding no",
      "PermitTTY no",
      "PermitTunnel no",
      "ForceCommand /bin/false",
      "Subsystem sftp /bin/false",
      "KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256",
      "LogLevel VERBOSE",
      "",
    ].join("\n"),
  );
  let output = "";
  const child: ChildProcess = spawn(SSHD, ["-D", "-e", "-f", join(dir, "sshd_config")], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (b) => (output += b));
  child.stderr!.on("data", (b) => (output += b));
  await waitForPort("sshd", port, child, () => output, 10_000);
  return {
    pid: child.pid!,
    port,
    url: `ssh://127.0.0.1:${port}`,
    hostKey,
    username,
    socketDir,
    log: () => output,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
