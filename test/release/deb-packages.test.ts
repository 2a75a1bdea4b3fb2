/**
 * The .deb packages, installed for real in a throw-away root (test/support/overlay-root.ts:
 * the host's / under an overlay in a private mount and PID namespace; the host's files,
 * users and units never change, which the last test checks). Builds a signed release of
 * both executables with keys made here (build/release.ts), packages it with build/deb.ts
 * (gzip: fast; a release uses xz), then: lintian; a preseeded noninteractive install that
 * activates against a hub on loopback and leaves no code in debconf; systemd-analyze verify
 * on the installed units; the agent started as its unit would (test/support/unit-command.ts:
 * its user, capabilities, environment, read-only root) polling the hub, and `dca doctor`
 * there; an upgrade keeping the state; remove; purge; a wrong code through /etc/default/dca
 * (installs, one line, code gone) then `dpkg-reconfigure`; the hub's package: serve as its
 * user, admin commands without --data as root leaving no root-owned file.
 * systemd itself does not run here: starting, restarting and the seccomp filters are not exercised.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VERSION } from "../../src/common/version.ts";
import { createOverlayRoot, overlayRootProblem, type OverlayRoot, type Sandbox } from "../support/overlay-root.ts";
import { writeTestChain } from "../support/release-keys.ts";
import { type HubProcess, eventually, startHubProcess } from "../support/service-peers.ts";
import { repoRoot } from "../support/shared-dir.ts";
import { unitCommand } from "../support/unit-command.ts";

const has = (cmd: string) => Bun.spawnSync(["sh", "-c", `command -v ${cmd}`]).exitCode === 0;
const arch = process.arch === "x64" ? "amd64" : "arm64";
const target = `linux-${process.arch}`;
const missing = process.platform !== "linux" ? "not Linux" : ["dpkg-deb", "lintian", "unshare", "setpriv", "apt-get", "systemd-analyze"].find((c) => !has(c));
const skipReason = missing ? `${missing} is not available` : overlayRootProblem();
if (skipReason) console.log(`deb-packages.test.ts skipped: ${skipReason}`);

const tmp = mkdtempSync(join(tmpdir(), "dca-deb-"));
const debs = join(tmp, "debs");
const agentDeb = join(debs, `dca_${VERSION}_${arch}.deb`);
const agentDebNext = join(debs, `dca_${VERSION}+1_${arch}.deb`);
const hubDeb = join(debs, `dca-hub_${VERSION}_${arch}.deb`);
let root: OverlayRoot;
let hub: HubProcess;

function spawnOk(argv: string[]): string {
  const r = Bun.spawnSync(argv, { cwd: repoRoot, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${argv.join(" ")} failed: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

/** Runs a script in the root and fails with its output unless it exits 0; `all` is stdout and stderr (apt passes dpkg's output on). */
async function inRoot(script: string, env: Record<string, string> = {}) {
  const r = await root.run(script, env);
  if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}:\n${r.stdout}\n${r.stderr}`);
  return { ...r, all: `${r.stdout}\n${r.stderr}` };
}

const newCode = async () => JSON.parse(await hub.must("code", "create", "Acme", "--json")).code as string;
/** The installed unit, from the upper layer (under usr/ where / has merged /usr). */
const unitText = (name: string) =>
  readFileSync([join(root.upper, "usr/lib/systemd/system", `${name}.service`), join(root.upper, "lib/systemd/system", `${name}.service`)].find(existsSync) ?? `${name}.service not installed`, "utf8");

/** Starts the unit's command in the root as its unit would (`exec`: another command in its setting). */
function startUnit(name: string, exec?: string) {
  const { script, sandbox } = unitCommand(unitText(name), exec);
  return startInRoot(script, sandbox);
}

/** Starts a script in the root; stop() sends SIGTERM to the namespace's first process (the script's last exec). */
function startInRoot(script: string, sandbox?: Sandbox) {
  const proc = root.spawn(script, {}, sandbox);
  const text = { out: "", err: "" };
  const pump = async (stream: ReadableStream<Uint8Array>, key: "out" | "err") => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) text[key] += decoder.decode(chunk, { stream: true });
  };
  const pumped = Promise.all([pump(proc.stdout, "out"), pump(proc.stderr, "err")]);
  return {
    log: () => text.err,
    /** The whole stdout once the command has ended. */
    stdout: () => pumped.then(() => text.out),
    /** The first stdout line (the hub's ready record). */
    firstLine: () => eventually(() => (text.out.includes("\n") ? text.out.split("\n")[0] : undefined), 30_000, `a first line; stderr:\n${text.err}`),
    async stop() {
      const child = Number(readFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`, "utf8").trim());
      process.kill(child, "SIGTERM");
      const code = await proc.exited;
      await pumped;
      return code;
    },
  };
}

beforeAll(async () => {
  if (skipReason) return;
  const chain = writeTestChain(tmp);
  const f = chain.files;
  const rel = join(tmp, "release");
  spawnOk([process.execPath, "build/release.ts", "--root-pub", f.rootPub, "--signing-key", f.signingKey, "--cert", f.cert, "--revocations", f.revocations, "--targets", target, "--out", rel]);
  const from = join(rel, VERSION);
  spawnOk([process.execPath, "build/deb.ts", "--from", from, "--out", debs, "--compress", "gzip"]);
  spawnOk([process.execPath, "build/deb.ts", "--from", from, "--out", debs, "--compress", "gzip", "--only", "dca", "--version", `${VERSION}+1`]);
  hub = await startHubProcess(join(tmp, "hub"));
  await hub.must("site", "create", "Acme");
  root = createOverlayRoot();
}, 900_000);

afterAll(async () => {
  await hub?.stop();
  root?.remove();
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!!skipReason)("the .deb packages", () => {
  test("lintian finds nothing in either package (overrides only for Bun's executable, each with its reason)", async () => {
    const r = Bun.spawnSync(["lintian", "--pedantic", agentDeb, agentDebNext, hubDeb], { stdout: "pipe", stderr: "pipe" });
    expect(r.stdout.toString()).toBe("");
    expect(r.exitCode).toBe(0);
  }, 300_000);

  test("a preseeded noninteractive install activates the agent as its user, keeps no code, enables the unit", async () => {
    const code = await newCode();
    const preseed = [
      `dca dca/hub-url string ${hub.url}`,
      `dca dca/ca-fingerprint string ${hub.caFingerprint}`,
      `dca dca/activation-code password ${code}`,
    ].join("\n");
    const r = await inRoot(`set -e
echo '${preseed}' | debconf-set-selections
apt-get install -y ${agentDeb} ${hubDeb}
stat -c '%U %a' /var/lib/dca /var/lib/dca/identity.json
stat -c '%U %a' /var/lib/dca-seal/dca-*/lock.sealed
getent passwd dca | cut -d: -f6,7
readlink /etc/systemd/system/multi-user.target.wants/dca.service
if grep -rl '${code}' /var/cache/debconf/; then exit 9; fi
systemd-analyze verify /lib/systemd/system/dca.service /lib/systemd/system/dca-hub.service
`, { DEBIAN_FRONTEND: "noninteractive" });
    expect(r.all).toContain(`dca: activated against ${hub.url}`);
    expect(r.stdout).toContain("dca 700\ndca 600\ndca 600\n/var/lib/dca:/usr/sbin/nologin\n/lib/systemd/system/dca.service\n");
    const agents = JSON.parse(await hub.must("agent", "list", "--json")) as unknown[];
    expect(agents).toHaveLength(1);
  }, 300_000);

  test("started as its unit starts it, the signed agent checks itself, polls the hub and stops on SIGTERM; doctor passes ICMP there", async () => {
    const agent = startUnit("dca");
    await eventually(async () => (JSON.parse(await hub.must("agent", "list", "--json")) as { lastPollAt?: string }[])[0]?.lastPollAt, 30_000, `the agent's poll; its log:\n${agent.log()}`);
    expect(await agent.stop()).toBe(0);
    expect(agent.log()).toContain("state /var/lib/dca");
    expect(agent.log()).toContain("stopped");
    const doctor = startUnit("dca", "/usr/bin/dca doctor --state /var/lib/dca --json");
    const report = JSON.parse(await doctor.stdout()) as { checks: { id: string; status: string; message: string }[] };
    const row = (id: string) => report.checks.find((c) => c.id === id);
    expect(row("icmp")).toMatchObject({ status: "pass", message: expect.stringContaining("raw ICMP socket") });
    expect(row("binary-integrity")?.status).toBe("pass");
    expect(row("state-folder")?.status).toBe("pass");
  }, 120_000);

  test("root running the agent's commands on /var/lib/dca works as the dca user: nothing of root's is left there; dca's default is that folder", async () => {
    const byHand = startInRoot("exec dca run");
    await eventually(() => byHand.log().includes("running as agent") || undefined, 30_000, `dca run as root; its log:\n${byHand.log()}`);
    expect(await byHand.stop()).toBe(0);
    const r = await inRoot(`dca status >/dev/null && find /var/lib/dca ! -user dca
echo ---
HOME=/nonexistent setpriv --reuid=dca --regid=dca --init-groups dca status`);
    const [notTheirs, asDca] = r.stdout.split("---\n");
    expect(notTheirs).toBe("");
    // The service's user finds its folder by default, though its home is elsewhere.
    expect(asDca).toContain("state folder: /var/lib/dca\n");
  }, 120_000);

  test("an upgrade keeps the identity and the state; the agent still polls", async () => {
    const before = readFileSync(join(root.upper, "var/lib/dca/identity.json"), "utf8");
    const r = await inRoot(`apt-get install -y ${agentDebNext} && dpkg-query -W -f '\${Version}' dca`, { DEBIAN_FRONTEND: "noninteractive" });
    expect(r.stdout.endsWith(`${VERSION}+1`)).toBe(true);
    expect(readFileSync(join(root.upper, "var/lib/dca/identity.json"), "utf8")).toBe(before);
    const lastPoll = async () => (JSON.parse(await hub.must("agent", "list", "--json")) as { lastPollAt?: string }[]).map((a) => a.lastPollAt);
    const [polledBefore] = await lastPoll();
    const agent = startUnit("dca");
    await eventually(async () => ((await lastPoll())[0] !== polledBefore ? true : undefined), 30_000, `a new poll; the agent's log:\n${agent.log()}`);
    expect(await agent.stop()).toBe(0);
    expect(await lastPoll()).toHaveLength(1);
  }, 300_000);

  test("remove keeps the state and masks the unit; purge removes the state, the user and the answers", async () => {
    const removed = await inRoot(`apt-get remove -y dca >/dev/null
test ! -e /usr/bin/dca && test -e /var/lib/dca/identity.json && getent passwd dca >/dev/null
readlink /etc/systemd/system/dca.service`, { DEBIAN_FRONTEND: "noninteractive" });
    expect(removed.stdout.trim()).toBe("/dev/null");
    await inRoot(`apt-get purge -y dca >/dev/null
test ! -e /var/lib/dca && test ! -e /var/lib/dca-seal && ! getent passwd dca && ! getent group dca && test ! -e /etc/systemd/system/dca.service
test -z "$(debconf-show dca)"`, { DEBIAN_FRONTEND: "noninteractive" });
  }, 300_000);

  test("a wrong code from /etc/default/dca: installed, one line says why, the code is gone; dpkg-reconfigure activates", async () => {
    writeFileSync(join(tmp, "default"), `DCA_HUB_URL=${hub.url}\nDCA_CA_FINGERPRINT=${hub.caFingerprint}\nDCA_ACTIVATION_CODE=ZZZZ-ZZZZ\n`);
    const r = await inRoot(`cp ${join(tmp, "default")} /etc/default/dca && apt-get install -y ${agentDeb} >&2
cat /etc/default/dca; test ! -e /var/lib/dca/identity.json`, { DEBIAN_FRONTEND: "noninteractive" });
    expect(r.all).toMatch(/^dca activate: the hub refused: [^\n]*1 of 5 failed activations/m);
    expect(r.all).toContain(`dca: activation against ${hub.url} failed (exit 1, the line above says why); dca is installed but its service stays stopped`);
    expect(r.stdout).toBe(`DCA_HUB_URL=${hub.url}\nDCA_CA_FINGERPRINT=${hub.caFingerprint}\n`);
    const again = await inRoot(`echo DCA_ACTIVATION_CODE=${await newCode()} >> /etc/default/dca && dpkg-reconfigure dca && grep -c CODE /etc/default/dca || true
test -e /var/lib/dca/identity.json`, { DEBIAN_FRONTEND: "noninteractive" });
    expect(again.all).toContain(`dca: activated against ${hub.url}`);
    expect(again.stdout.trim()).toBe("0");
  }, 300_000);

  test("the hub's package: serve runs as dca-hub; admin-local finds /var/lib/dca-hub without --data; nothing of root's is left; admin commands sign in", async () => {
    await inRoot(`echo 'DCA_HUB_OPTS="--listen 127.0.0.1:0 --mqtt-listen 127.0.0.1:0"' > /etc/default/dca-hub`);
    const serve = async () => {
      const hubUnit = startUnit("dca-hub");
      const ready = JSON.parse(await hubUnit.firstLine()) as { ready: boolean; dataDir: string };
      expect(ready).toMatchObject({ ready: true, dataDir: "/var/lib/dca-hub" });
      expect(await hubUnit.stop()).toBe(0);
    };
    // First by hand, as root, without --data, on the empty folder: it makes the store and the CA as their owner.
    const byHand = startInRoot("exec dca-hub serve --listen 127.0.0.1:0 --mqtt-listen 127.0.0.1:0");
    expect(JSON.parse(await byHand.firstLine())).toMatchObject({ ready: true, dataDir: "/var/lib/dca-hub" });
    expect(await byHand.stop()).toBe(0);
    // The first owner, by root with the hub stopped (break glass), in the packaged folder.
    const made = await inRoot(`set -e
printf 'copper kettle harbour\\n' > /root/owner-pw
dca-hub admin-local owner create boss --password-file /root/owner-pw
find /var/lib/dca-hub ! -user dca-hub`);
    expect(made.stdout).toStartWith('owner "boss" created');
    expect(made.stdout.split("\n").slice(1).join("")).toBe("");
    // Admin commands are clients of the running hub: root signs in like anyone, and leaves nothing in its folder.
    const running = startInRoot("exec dca-hub serve --listen 127.0.0.1:0 --mqtt-listen 127.0.0.1:0");
    const { url } = JSON.parse(await running.firstLine()) as { url: string };
    const r = await inRoot(`set -e
export DCA_HUB_SESSION=/root/session.json
dca-hub login --hub ${url} --ca /var/lib/dca-hub/tls/ca.crt --user boss --password-file /root/owner-pw >/dev/null
dca-hub site create Beta >/dev/null && dca-hub code create Beta >/dev/null
dca-hub site list
echo ---
find /var/lib/dca-hub ! -user dca-hub`);
    const [listed, notTheirs] = r.stdout.split("---\n");
    expect(listed).toContain("Beta");
    expect(notTheirs).toBe("");
    expect(await running.stop()).toBe(0);
    // The service opens what root's commands made.
    await serve();
  }, 120_000);

  test("nothing on the host changed", () => {
    for (const user of ["dca", "dca-hub"]) expect(Bun.spawnSync(["getent", "passwd", user]).exitCode).toBe(2);
    for (const path of ["/var/lib/dca", "/var/lib/dca-hub", "/usr/bin/dca", "/etc/default/dca", "/etc/systemd/system/multi-user.target.wants/dca.service"]) {
      expect(existsSync(path)).toBe(false);
    }
    expect(Bun.spawnSync(["dpkg-query", "-W", "dca"], { stderr: "ignore" }).exitCode).not.toBe(0);
  });
});
