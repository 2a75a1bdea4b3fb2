/**
 * Device Web Access end to end with OpenSSH's sshd as the relay: Debian's
 * sshd on a loopback port with the sshd_config of docs/web-access.md for a
 * throw-away account (sshd never forwards unix sockets for root), agents'
 * keys from `dca-hub relay authorized-keys` (asking the hub with a relay
 * token) as its AuthorizedKeysCommand;
 * `dca-hub serve --relay sshd ...`, a real `dca run` agent that dials sshd,
 * a session opened and the printer's pages fetched through the hub URL, in
 * Chromium and with a plain HTTPS client trusting the hub's CA.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brokenImages, chromiumUnavailable, launchChromium } from "../support/chromium.ts";
import { freeTcpPort } from "../support/free-port.ts";
import { timeDownload } from "../support/page-timing.ts";
import { writeRelayKeysCommand } from "../support/relay-keys-command.ts";
import { DOCS_RELAY_MATCH_LINES, sshdTestGlobals } from "../support/ssh-peers.ts";
import { type WebAccessStack, startWebAccessStack } from "../support/web-access-stack.ts";

const SSHD = "/usr/sbin/sshd";
/** The throw-away account agents log in as (removed afterwards; another name than relay-sshd.test.ts's). */
const RELAY_USER = "dca-relay-wa";
const skip = !existsSync(SSHD) || process.getuid?.() !== 0 ? "needs root and /usr/sbin/sshd (openssh-server)" : chromiumUnavailable();
if (skip) console.warn(`web-access-sshd.test.ts skipped: ${skip}`);

describe.skipIf(!!skip)("Device Web Access with OpenSSH sshd as the relay, end to end", () => {
  let dir: string;
  let sshd: Bun.Subprocess | undefined;
  let sshdLog = "";
  let stack: WebAccessStack;

  beforeAll(async () => {
    mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
    if (Bun.spawnSync(["id", RELAY_USER]).exitCode !== 0) {
      const made = Bun.spawnSync(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", "--password", "*", RELAY_USER]);
      if (made.exitCode !== 0) throw new Error(`useradd: ${made.stderr}`);
    }
    // sshd runs AuthorizedKeysCommand only from a root-owned path no one else may write: not /tmp. The socket folder's path stays short (unix sockets).
    dir = mkdtempSync("/run/dca-wa-");
    chmodSync(dir, 0o711);
    const socketDir = join(dir, "s");
    mkdirSync(socketDir, { mode: 0o750 });
    Bun.spawnSync(["chown", `${RELAY_USER}:root`, socketDir]);
    const hubData = join(dir, "hub");
    Bun.spawnSync(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "relay", "-f", join(dir, "host_ed25519")]);
    // Written once the hub runs (it needs the hub's URL); sshd runs it only when an agent logs in.
    const akc = join(dir, "authorized-keys");
    const port = await freeTcpPort();
    writeFileSync(
      join(dir, "sshd_config"),
      `${sshdTestGlobals(port, `${dir}/host_ed25519`, "none")}

# From docs/web-access.md, "OpenSSH sshd as the relay" (Match User dca-relay there).
Match User ${RELAY_USER}
  AuthorizedKeysCommand ${akc}
  AuthorizedKeysCommandUser root
${DOCS_RELAY_MATCH_LINES}
`,
    );
    sshd = Bun.spawn([SSHD, "-D", "-e", "-f", join(dir, "sshd_config")], { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
    void (async () => {
      for await (const chunk of sshd.stderr as ReadableStream<Uint8Array>) sshdLog += new TextDecoder().decode(chunk);
    })();
    for (let i = 0; i < 200 && !sshdLog.includes("Server listening"); i++) await Bun.sleep(25);
    if (!sshdLog.includes("Server listening")) throw new Error(`sshd did not start:\n${sshdLog}`);
    stack = await startWebAccessStack({
      sims: [{ host: "127.0.0.44" }],
      hubDataDir: hubData,
      hubArgs: ["--relay", "sshd", "--relay-socket-dir", socketDir, "--relay-url", `ssh://127.0.0.1:${port}`, "--relay-host-key", join(dir, "host_ed25519.pub"), "--relay-user", RELAY_USER],
    });
    writeRelayKeysCommand(dir, { url: stack.hub.url, caPath: stack.hub.caPath, dataDir: hubData });
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
    sshd?.kill();
    await sshd?.exited;
    if (dir) rmSync(dir, { recursive: true, force: true });
    Bun.spawnSync(["userdel", RELAY_USER]);
  });

  test("the agent forwards through sshd; the page loads through the hub URL (Chromium and a plain client)", async () => {
    const [sim] = stack.sims;
    const s = await stack.open(sim!.host, sim!.httpPort);
    const page = await timeDownload(s.url, { ca: stack.caPem, timeoutMs: 30_000 });
    expect(page.bytes).toBeGreaterThan(500);
    expect(stack.agent.log()).toMatch(new RegExp(`web access ${s.taskId}: forward accepted by ssh://127\\.0\\.0\\.1:\\d+`));
    // sshd logged the agent's key login and its streamlocal forward, as the account of the docs.
    expect(sshdLog).toMatch(new RegExp(`Accepted publickey for ${RELAY_USER} from 127\\.0\\.0\\.1`));
    const chrome = await launchChromium({ trustCertificates: [stack.caPem] });
    try {
      // The same session: its key still opens it, in a browser of its own.
      const visit = await chrome.open(s.url);
      expect(visit.status).toBe(200);
      expect(await brokenImages(visit.page)).toEqual([]);
      expect(visit.failedRequests).toEqual([]);
      await chrome.screenshot(visit.page, "web-access-sshd-home");
    } finally {
      await chrome.close();
    }
    const audit: { id: string; requests: number; bytesFromDevice: number }[] = JSON.parse(await stack.hub.must("web-access", "audit", "--json"));
    expect(audit.find((a) => a.id === s.id)!.bytesFromDevice).toBeGreaterThan(page.bytes);
  });
});
