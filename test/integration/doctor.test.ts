/**
 * `dca doctor` against real peers on loopback: a real hub (`dca-hub serve`
 * with its embedded MQTT broker), an activated agent's state folder, a
 * simulated printer, tinyproxy, and small TLS servers for what a hub cannot
 * be made to do (speak only HTTP/1.1, run a skewed clock). First everything
 * passes; then each check is made to fail in turn, and the row, its message,
 * what it tells the IT team to do and the exit code are asserted.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http2 from "node:http2";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureHubTls } from "../../src/hub/tls/index.ts";
import { type Fleet, startFleet } from "../sim/fleet.ts";
import { type ProxyPeer, proxyPeerSkipReason, startProxyPeer } from "../support/proxy-peer.ts";
import { type CommandResult, type HubProcess, activateAgent, agentCommand, agentEnv, freePort, freeUdpPort, runCommand, startHubProcess } from "../support/service-peers.ts";
import { repoRoot } from "../support/shared-dir.ts";
import { sshdSkipReason, startSshdRelay } from "../support/sshd-forward-relay.ts";

interface Row {
  id: string;
  title: string;
  status: "pass" | "fail" | "skip";
  message: string;
  action?: string;
}
interface Report {
  ok: boolean;
  checks: Row[];
}

const COMMUNITY = "office-c0mm-71";
const PRINTER = "127.26.0.1";
/** The doctor's exit code when a check fails (src/common/exit-codes.ts). */
const FAILED = 4;

let tmp: string;
let hub: HubProcess;
let fleet: Fleet;
let simPort: number;
/** An activated agent's state folder; tests that change it work on a copy. */
let state: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "dca-doctor-"));
  simPort = await freeUdpPort();
  fleet = await startFleet({ devices: [{ address: PRINTER, port: simPort, communities: [COMMUNITY], recording: join(repoRoot, "test/fixtures/snmprec/mono-laser.snmprec") }] });
  hub = await startHubProcess(join(tmp, "hub"));
  await hub.must("site", "create", "Clinic");
  await hub.must("site", "set-targets", "Clinic", PRINTER);
  await hub.must("site", "add-credential", "Clinic", "--name", "office", "--community", COMMUNITY);
  await hub.must("site", "set-snmp", "Clinic", "--port", String(simPort));
  const code = JSON.parse(await hub.must("code", "create", "Clinic", "--json")).code as string;
  state = join(tmp, "agent");
  const r = await activateAgent(hub, state, code);
  if (r.exitCode !== 0) throw new Error(`activation failed: ${r.stderr}`);
}, 60_000);

afterAll(async () => {
  await hub?.kill9();
  await fleet?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function doctor(stateDir: string, args: string[] = [], wrap: string[] = []): Promise<CommandResult & { report: Report }> {
  const r = await runCommand([...wrap, ...agentCommand(), "doctor", "--state", stateDir, "--json", ...args], agentEnv(stateDir), 30_000);
  let report: Report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    throw new Error(`dca doctor printed no JSON (exit ${r.exitCode}): ${r.stdout}\n${r.stderr}`);
  }
  return { ...r, report };
}

function row(report: Report, id: string): Row {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no row ${id} in ${report.checks.map((c) => c.id).join(", ")}`);
  return found;
}

/** A copy of the activated state folder, to break one thing in. */
function copyState(name: string): string {
  const dir = join(tmp, name);
  cpSync(state, dir, { recursive: true });
  chmodSync(dir, 0o700);
  return dir;
}

const fresh = (name: string) => join(tmp, `fresh-${name}`);

describe("dca doctor", () => {
  test("everything passes on a working site: exit 0, no secret printed", async () => {
    const r = await doctor(state, ["--printer", `${PRINTER}:${simPort}`]);
    expect(r.exitCode).toBe(0);
    expect(r.report.ok).toBe(true);
    for (const id of ["hub-dns", "hub-tcp", "hub-tls", "hub-certificate", "hub-http2", "hub-api", "clock", "mqtt-wss", "mqtt-mqtts", "state-folder", "icmp", "snmp"]) {
      expect(row(r.report, id)).toMatchObject({ status: "pass" });
    }
    expect(row(r.report, "hub-api").message).toContain("accepts agent agt_");
    expect(row(r.report, "mqtt-wss").message).toContain("logged in");
    expect(row(r.report, "snmp").message).toContain("answers with office (v2c)");
    // What this build cannot check yet is said so, never passed.
    expect(row(r.report, "binary-integrity")).toMatchObject({ status: "skip", message: "not checked: a development build (npm run build) carries no signature" });
    expect(row(r.report, "update-url").status).toBe("skip");
    expect(row(r.report, "ssh-relay").status).toBe("skip");
    expect(row(r.report, "proxy").status).toBe("skip");
    const secret = JSON.parse(readFileSync(join(state, "identity.json"), "utf8")).secret as string;
    expect(r.stdout + r.stderr).not.toContain(secret);
    expect(r.stdout + r.stderr).not.toContain(COMMUNITY);
    // The table says the same.
    const table = await runCommand([...agentCommand(), "doctor", "--state", state], agentEnv(state));
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(/^pass {2}TLS to the hub +TLSv1\.3 with 127\.0\.0\.1:\d+, certificate trusted by the hub's CA saved at activation$/m);
    expect(table.stdout).toMatch(/^skip {2}binary integrity +not checked: a development build \(npm run build\) carries no signature$/m);
  }, 30_000);

  test("the update URL: the last offered release is asked for one byte, on the hub's line with the credential", async () => {
    // What the hub keeps after "dca-hub release add" (which needs a release build): a file under releases/.
    const sha = "ab".repeat(32);
    mkdirSync(join(hub.dataDir, "releases"), { recursive: true });
    writeFileSync(join(hub.dataDir, "releases", sha), "a release's bytes");
    const offered = copyState("offered");
    const offer = (url: string) => {
      mkdirSync(join(offered, "update"), { recursive: true });
      writeFileSync(join(offered, "update", "offer.json"), JSON.stringify({ url }));
    };
    offer(`${hub.url}/releases/${sha}`);
    expect(row((await doctor(offered)).report, "update-url")).toMatchObject({ status: "pass", message: `${hub.url} serves the offered release (HTTP 206)` });
    offer(`${hub.url}/releases/${"cd".repeat(32)}`);
    const gone = await doctor(offered);
    expect(gone.exitCode).toBe(FAILED);
    expect(row(gone.report, "update-url")).toMatchObject({ status: "fail", message: `${hub.url}/releases/${"cd".repeat(32)} answered HTTP 404 for the offered release` });
    const closed = await freePort();
    offer(`https://127.0.0.1:${closed}/dca-linux-x64`);
    const r = await doctor(offered);
    expect(row(r.report, "update-url").status).toBe("fail");
    expect(row(r.report, "update-url").message).toStartWith(`cannot download from https://127.0.0.1:${closed}: `);
    expect(row(r.report, "update-url").action).toBe(`allow HTTPS to 127.0.0.1:${closed}; updates are downloaded from there`);
  }, 60_000);

  test.skipIf(!!sshdSkipReason())("the SSH relay: the relay URLs of the last web-access task are tried until one greets in SSH", async () => {
    const relay = await startSshdRelay([]);
    try {
      const used = copyState("relay-used");
      const closed = await freePort();
      writeFileSync(join(used, "web-access-relay.json"), JSON.stringify({ urls: [`ssh://127.0.0.1:${closed}`, relay.url], seenAt: new Date().toISOString() }));
      const ok = row((await doctor(used)).report, "ssh-relay");
      expect(ok.status).toBe("pass");
      expect(ok.message).toMatch(new RegExp(`^${relay.url} answers SSH-2\\.0-OpenSSH_\\S+.* \\(before it: ssh://127\\.0\\.0\\.1:${closed}: cannot connect: ECONNREFUSED\\)$`));
      writeFileSync(join(used, "web-access-relay.json"), JSON.stringify({ urls: [`ssh://127.0.0.1:${closed}`], seenAt: new Date().toISOString() }));
      const r = await doctor(used);
      expect(r.exitCode).toBe(FAILED);
      expect(row(r.report, "ssh-relay")).toMatchObject({
        status: "fail",
        message: `no relay answers: ssh://127.0.0.1:${closed}: cannot connect: ECONNREFUSED`,
        action: `allow outbound TCP ${closed} from this PC to 127.0.0.1; web access to printers goes there`,
      });
    } finally {
      await relay.stop();
    }
    // An agent that never had a web-access task says so.
    expect(row((await doctor(state)).report, "ssh-relay")).toMatchObject({ status: "skip", message: "not used yet: no web-access task has come to this agent (the hub names the relay with each one)" });
  }, 60_000);

  test("the hub's port closed: the TCP row fails, what follows is not checked", async () => {
    const closed = await freePort();
    const r = await doctor(fresh("closed"), ["--hub", `https://127.0.0.1:${closed}`, "--ca", hub.caPath]);
    expect(r.exitCode).toBe(FAILED);
    expect(row(r.report, "hub-tcp")).toEqual({
      id: "hub-tcp",
      title: `TCP to 127.0.0.1:${closed}`,
      status: "fail",
      message: `TCP to 127.0.0.1:${closed} refused (nothing listens there, or a firewall rejects it)`,
      action: `allow outbound TCP ${closed} from this PC to 127.0.0.1, and check that "dca-hub serve" runs there`,
    });
    expect(row(r.report, "hub-tls")).toMatchObject({ status: "skip", message: `not checked: TCP to 127.0.0.1:${closed} failed` });
    expect(row(r.report, "clock").status).toBe("skip");
  }, 30_000);

  test("a wrong CA pin: the TLS row fails and names the pin", async () => {
    const wrong = `sha256:${"ab".repeat(32)}`;
    const r = await doctor(state, ["--ca-fingerprint", wrong]);
    expect(r.exitCode).toBe(FAILED);
    const tls = row(r.report, "hub-tls");
    expect(tls.status).toBe("fail");
    expect(tls.message).toContain(`does not present the CA ${wrong}`);
    expect(tls.action).toContain("let TLS to 127.0.0.1:");
    expect(row(r.report, "hub-api")).toMatchObject({ status: "skip", message: "not checked: TLS to the hub failed" });
  }, 30_000);

  test("a TLS server that speaks only HTTP/1.1: the HTTP/2 row fails", async () => {
    const tls = ensureHubTls(join(tmp, "h1"), { hostnames: ["127.0.0.1"] });
    const server = https.createServer({ key: tls.key, cert: tls.cert, ALPNProtocols: ["http/1.1"] }, (_req, res) => res.end("hello"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    try {
      const r = await doctor(fresh("h1"), ["--hub", `https://127.0.0.1:${port}`, "--ca", tls.caPath!]);
      expect(r.exitCode).toBe(FAILED);
      expect(row(r.report, "hub-tls").status).toBe("pass");
      const h2 = row(r.report, "hub-http2");
      expect(h2.status).toBe("fail");
      expect(h2.message).toMatch(new RegExp(`^127\\.0\\.0\\.1:${port} answers TLS but not HTTP/2 \\(it chose (http/1\\.1|no protocol)\\)`));
      expect(h2.action).toBe(`let HTTP/2 through to 127.0.0.1:${port} (exempt it from TLS inspection), and check the hub URL`);
    } finally {
      server.close();
    }
  }, 30_000);

  test("the MQTT/TLS port closed: its row fails, the WebSocket line still passes", async () => {
    const dir = copyState("mqtt-closed");
    const closed = await freePort();
    const wake = JSON.parse(readFileSync(join(dir, "wake.json"), "utf8"));
    // As a hub started with --mqtt-public-url for a port nothing listens on tells its agents.
    wake.urls = wake.urls.map((u: string) => (u.startsWith("mqtts:") ? `mqtts://127.0.0.1:${closed}` : u));
    writeFileSync(join(dir, "wake.json"), JSON.stringify(wake));
    const r = await doctor(dir);
    expect(r.exitCode).toBe(FAILED);
    expect(row(r.report, "mqtt-wss").status).toBe("pass");
    expect(row(r.report, "mqtt-mqtts")).toMatchObject({
      title: `MQTT mqtts://127.0.0.1:${closed}`,
      status: "fail",
      message: `TCP to 127.0.0.1:${closed} refused (nothing listens there, or a firewall rejects it)`,
      action: `allow outbound TCP ${closed} from this PC to 127.0.0.1; until then the agent polls every few minutes and tasks wait for the next poll`,
    });
    expect(row(r.report, "hub-api").status).toBe("pass");
  }, 30_000);

  test("a clock an hour off: the clock row fails (a hub with a skewed clock)", async () => {
    const tls = ensureHubTls(join(tmp, "skewed"), { hostnames: ["127.0.0.1"] });
    const server = http2.createSecureServer({ key: tls.key, cert: tls.cert, allowHTTP1: false });
    server.on("stream", (stream: http2.ServerHttp2Stream) => {
      stream.on("data", () => {});
      stream.on("end", () => {
        // An empty CheckLockoutResponse, from a hub whose clock is an hour behind.
        stream.respond({ ":status": 200, "content-type": "application/grpc+proto", date: new Date(Date.now() - 3_600_000).toUTCString() }, { waitForTrailers: true });
        stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        stream.end(Buffer.from([0, 0, 0, 0, 0]));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    try {
      const r = await doctor(fresh("skewed"), ["--hub", `https://127.0.0.1:${port}`, "--ca", tls.caPath!]);
      expect(r.exitCode).toBe(FAILED);
      expect(row(r.report, "hub-api").status).toBe("pass");
      expect(row(r.report, "clock")).toMatchObject({
        status: "fail",
        message: "this PC's clock is 60 min ahead of the hub's (more than 60 s)",
        action: "set this PC's clock right and keep it synchronised (NTP, or Windows Time); certificates and schedules depend on it",
      });
    } finally {
      server.close();
    }
  }, 30_000);

  test("the state folder open to everyone (0777): its row fails with the chmod to run", async () => {
    const dir = copyState("mode");
    chmodSync(dir, 0o777);
    const r = await doctor(dir);
    expect(r.exitCode).toBe(FAILED);
    expect(row(r.report, "state-folder")).toMatchObject({ status: "fail", message: `${dir} has mode 0777: other users of this PC can read the agent's secret`, action: `run: chmod 700 ${dir}` });
  }, 30_000);

  test("a read-only state folder: its row fails", async () => {
    const dir = copyState("readonly");
    // Root writes through any mode: a read-only bind mount in a mount namespace of this command alone.
    const wrap = ["unshare", "--mount", "--propagation", "private", "sh", "-c", 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" && exec "$@"', dir];
    const r = await doctor(dir, [], wrap);
    expect(r.exitCode).toBe(FAILED);
    expect(row(r.report, "state-folder")).toMatchObject({
      status: "fail",
      message: `cannot write in ${dir} (the file system is read-only)`,
      action: `mount ${dir} read-write, or give the agent a writable folder with --state`,
    });
  }, 30_000);

  test("a wrong community, and a silent printer: the SNMP row fails without the secret", async () => {
    const wrongCommunity = "not-it-5521";
    const wrong = await doctor(state, ["--printer", `${PRINTER}:${simPort}`, "--community", wrongCommunity]);
    expect(wrong.exitCode).toBe(FAILED);
    const snmp = row(wrong.report, "snmp");
    expect(snmp.status).toBe("fail");
    expect(snmp.message).toStartWith(`${PRINTER}:${simPort} answers none of the 1 credential from the command line: community-1 (v2c): no answer`);
    expect(snmp.action).toBe(`allow UDP ${simPort} from this PC to ${PRINTER}:${simPort}, turn SNMP on at the printer, and check its community or SNMPv3 user`);
    expect(wrong.stdout + wrong.stderr).not.toContain(wrongCommunity);
    const silentPort = await freeUdpPort();
    const silent = await doctor(state, ["--printer", `127.0.0.1:${silentPort}`]);
    expect(silent.exitCode).toBe(FAILED);
    expect(row(silent.report, "snmp").message).toStartWith(`127.0.0.1:${silentPort} answers none of the 1 credential from the site's saved config: office (v2c): no answer`);
    expect(silent.stdout).not.toContain(COMMUNITY);
  }, 30_000);
});

const noProxy = proxyPeerSkipReason();
describe.skipIf(!!noProxy)("dca doctor through a proxy", () => {
  let proxy: ProxyPeer | undefined;
  afterAll(async () => {
    await proxy?.close();
  });

  test("a proxy that refuses CONNECT to the hub: the proxy row fails and says what to allow", async () => {
    proxy = await startProxyPeer({ connectPorts: [1] });
    const r = await doctor(state, ["--proxy", proxy.url]);
    expect(r.exitCode).toBe(FAILED);
    const row_ = row(r.report, "proxy");
    expect(row_.status).toBe("fail");
    expect(row_.message).toContain(`the proxy ${proxy.url} refused the tunnel to 127.0.0.1:${hub.port}: 403`);
    expect(row_.action).toBe(`ask the proxy's admin to allow CONNECT to 127.0.0.1:${hub.port} (tinyproxy: ConnectPort ${hub.port}; squid: the port in SSL_ports)`);
    expect(row(r.report, "hub-dns").status).toBe("pass");
    expect(row(r.report, "hub-tcp")).toMatchObject({ status: "skip" });
    expect(row(r.report, "hub-tls")).toMatchObject({ status: "skip", message: "not checked: proxy failed" });
  }, 30_000);
});
