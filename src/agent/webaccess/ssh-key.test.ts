/**
 * The agent's SSH key against OpenSSH's own tools: ssh-keygen reads the
 * private key file we write and derives the same public key line; the file
 * is 0600, made once and kept; a damaged one says what to do without
 * quoting it.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SSH_KEY_FILE, ensureSshKey, loadSshKey } from "./ssh-key.ts";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
const stateDir = () => (dir = mkdtempSync(join(tmpdir(), "dca-ssh-key-")));

describe("the agent's SSH key", () => {
  test("ssh-keygen reads the private key file and derives the same public key; mode 0600", () => {
    const d = stateDir();
    const key = ensureSshKey(d);
    expect(key.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} dca-agent$/);
    const path = join(d, SSH_KEY_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(execFileSync("ssh-keygen", ["-y", "-f", path], { encoding: "utf8" }).trim()).toBe(key.publicKey);
    // And the fingerprint sshd will log is that of the line the hub registers.
    writeFileSync(join(d, "pub"), `${key.publicKey}\n`);
    const a = execFileSync("ssh-keygen", ["-l", "-f", path], { encoding: "utf8" }).split(" ")[1];
    const b = execFileSync("ssh-keygen", ["-l", "-f", join(d, "pub")], { encoding: "utf8" }).split(" ")[1];
    expect(a).toBe(b!);
  });

  test("made once: later calls return the key kept, not a new one", () => {
    const d = stateDir();
    expect(loadSshKey(d)).toBeUndefined();
    const first = ensureSshKey(d);
    expect(ensureSshKey(d)).toEqual(first);
    expect(loadSshKey(d)).toEqual(first);
  });

  test("a damaged key file is an error that says what to do, and does not quote the file", () => {
    const d = stateDir();
    writeFileSync(join(d, SSH_KEY_FILE), "-----BEGIN OPENSSH PRIVATE KEY-----\nc2VjcmV0LXNlY3JldA==\n-----END OPENSSH PRIVATE KEY-----\n", { mode: 0o600 });
    expect(() => ensureSshKey(d)).toThrow(`${join(d, SSH_KEY_FILE)} is not a usable SSH key (not an OpenSSH private key); delete it and restart the agent to make a new one`);
  });
});
