/**
 * Issue 10, errors a person can act on, for `dca`: each wrong input or
 * unreachable peer a new user meets, run as a process (the shipped binary
 * with DCA_BIN=build/out/dca, `npm run test:binary`), ends in one line
 * "dca <command>: what happened; what to do" and the README's exit code.
 * Peers are real and on loopback: a plain HTTP port, a TLS server without
 * HTTP/2, a closed port, the fleet simulator's switch.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Server as TlsServer, createServer as createTlsServer } from "node:tls";
import { type Fleet, startFleet } from "../sim/fleet.ts";
import { expectErrorLine } from "../support/error-line.ts";
import { repoRoot } from "../support/shared-dir.ts";
import { agentCommand, agentEnv, freePort, freeUdpPort, runCommand } from "../support/service-peers.ts";

let tmp: string;
let fleet: Fleet;
let snmpPort: number;
let httpPort: number;
let tlsPort: number;
let noAlpnPort: number;
let closedPort: number;
const servers: (Server | TlsServer)[] = [];
const PIN = `sha256:${"ab".repeat(32)}`;

const dca = (...args: string[]) => runCommand([...agentCommand(), ...args], agentEnv(join(tmp, "state")));

function listen(server: Server | TlsServer): Promise<number> {
  servers.push(server);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
}

/** A self-signed certificate for 127.0.0.1 made by openssl, for the TLS peer that offers no HTTP/2. */
function selfSigned(dir: string): { key: string; cert: string } {
  const [key, cert] = [join(dir, "k.pem"), join(dir, "c.pem")];
  const r = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]);
  if (r.exitCode !== 0) throw new Error(`openssl: ${r.stderr.toString()}`);
  return { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") };
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "dca-errors-"));
  httpPort = await listen(createServer((s) => s.once("data", () => s.end("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n"))));
  const cert = selfSigned(tmp);
  // One TLS server refuses h2 (it speaks only http/1.1), one answers without choosing any protocol.
  tlsPort = await listen(createTlsServer({ ...cert, ALPNProtocols: ["http/1.1"] }, (s) => s.end()));
  noAlpnPort = await listen(createTlsServer(cert, (s) => s.end()));
  closedPort = await freePort();
  snmpPort = await freeUdpPort();
  const recording = join(repoRoot, "test/fixtures/snmprec/switch.snmprec");
  fleet = await startFleet({ devices: [{ address: "127.0.0.1", port: snmpPort, recording }] });
}, 30_000);

afterAll(async () => {
  for (const s of servers) s.close();
  await fleet?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe("dca activate to a hub that is not one", () => {
  const activate = (port: number, ...extra: string[]) =>
    dca("activate", "--hub", `https://127.0.0.1:${port}`, "--code", "ABCD-EFGH", "--state", join(tmp, "state"), ...extra);

  for (const pin of [[], ["--ca-fingerprint", PIN]]) {
    const how = pin.length ? "with --ca-fingerprint" : "without a fingerprint";
    test(`${how}: a closed port, a plain HTTP port, a TLS server without HTTP/2`, async () => {
      const closed = await activate(closedPort, ...pin);
      expectErrorLine(closed, 1, "dca activate", `cannot reach the hub https://127.0.0.1:${closedPort}: ECONNREFUSED (nothing listens there)`, '"dca-hub serve" runs there');
      expectErrorLine(await activate(httpPort, ...pin), 1, "dca activate", "that port does not speak TLS (plain HTTP?); check the port");
      const noH2 = `does not offer HTTP/2 (ALPN h2): it is not a dca hub`;
      expectErrorLine(await activate(tlsPort, ...pin), 1, "dca activate", `the hub https://127.0.0.1:${tlsPort} ${noH2}`, "check the URL and port");
      const noAlpn = await activate(noAlpnPort, ...pin);
      if (pin.length) expectErrorLine(noAlpn, 1, "dca activate", `the hub https://127.0.0.1:${noAlpnPort} ${noH2}`);
      // Without a pin its self-signed certificate is refused first, and the line says how to trust a hub's own CA.
      else expectErrorLine(noAlpn, 1, "dca activate", "TLS with the hub", "give the hub's CA with --ca FILE or --ca-fingerprint");
    }, 30_000);
  }

  test("a malformed fingerprint is a usage error", async () => {
    expectErrorLine(await activate(closedPort, "--ca-fingerprint", "sha256:nothex"), 2, "dca activate", 'a CA fingerprint must be "sha256:" followed by 64 hex digits; copy it from what "dca-hub serve" prints');
  });
});

describe("state folders that cannot be", () => {
  test("dca status --state FILE, dca activate --state FILE/x", async () => {
    const file = join(tmp, "a-file");
    writeFileSync(file, "");
    expectErrorLine(await dca("status", "--state", file), 2, "dca status", `--state ${file} is a file, not a folder; give --state a folder`);
    expectErrorLine(
      await dca("activate", "--hub", "https://127.0.0.1:1", "--code", "ABCD-EFGH", "--state", join(file, "x")),
      2,
      "dca activate",
      `--state ${join(file, "x")} cannot be made: ${file} is a file, not a folder`,
    );
  });
});

describe("dca read and scan", () => {
  test("a name that does not resolve is blamed on the name, in read and in scan", async () => {
    expectErrorLine(await dca("read", "nosuchhost.invalid"), 1, "dca read", "the name nosuchhost.invalid does not resolve", "check the name");
    expectErrorLine(await dca("scan", "nosuchhost.invalid"), 1, "dca scan", "nothing to scan: cannot resolve nosuchhost.invalid", "check the names and DNS");
  });

  test("a device that does not answer: one line that says what to check", async () => {
    // Nothing listens on port 9 of 127.0.0.1: the request goes unanswered (ICMP unreachables are not reported to the socket).
    const r = await dca("read", "127.0.0.1:9", "--timeout", "200ms", "--retries", "0");
    expectErrorLine(r, 1, "dca read", "127.0.0.1:9 did not answer SNMP (", "check that the device is on", "allow a longer timeout");
  });

  test("output piped into a reader that has already gone (| true, | head) ends quietly, with the exit code it had", async () => {
    // `true` exits at once: every write of the reading meets a closed pipe.
    const quoted = [...agentCommand(), "read", `127.0.0.1:${snmpPort}`, `127.0.0.1:${snmpPort}`, "--json"].map((a) => `'${a}'`).join(" ");
    const r = await runCommand(["bash", "-c", `${quoted} | true; echo "exit \${PIPESTATUS[0]}" >&2`], agentEnv(join(tmp, "state")));
    const lines = r.stderr.trim().split("\n");
    expect(r.stderr).not.toContain("EPIPE");
    expect(lines.at(-1)).toBe("exit 0");
    expect(lines.length, r.stderr).toBe(1);
  });

  test("a device that is not a printer is printed with a warning and exits 3", async () => {
    const r = await dca("read", `127.0.0.1:${snmpPort}`, "--json", "--timeout", "1s");
    expect(r.exitCode, r.stderr).toBe(3);
    expect(JSON.parse(r.stdout).sysObjectId).toBeTruthy();
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(new RegExp(`^dca read: 127\\.0\\.0\\.1:${snmpPort} answered but is not a printer \\(.+\\); its reading is printed as is, "dca scan" would skip it$`))]);
  });
});

describe("configuration files", () => {
  const config = (name: string, text: string) => {
    const path = join(tmp, name);
    writeFileSync(path, text);
    return path;
  };

  test("a JSON error gives the line and column", async () => {
    const path = config("broken.json", '{\n  "snmp": {\n    "timeout": 5,\n  }\n}\n');
    expectErrorLine(await dca("read", "127.0.0.1", "--config", path), 2, "dca read", `${path}:4:3 is not valid JSON: `, "fix the file at line 4");
  });

  test("a TOML error gives the line and column", async () => {
    const path = config("broken.toml", "[snmp]\ntimeout = \n");
    expectErrorLine(await dca("read", "127.0.0.1", "--config", path), 2, "dca read", `${path}:2:11 is not valid TOML: Missing value after '='`, "fix the file at line 2");
  });

  test("an unknown field lists the allowed ones; a field is named once", async () => {
    const unknown = await dca("read", "127.0.0.1", "--config", config("unknown.toml", "[snmp]\ntimeot = 5\n"));
    expectErrorLine(unknown, 2, "dca read", "snmp.timeot: unknown field (allowed: port, timeout, retries, concurrency, rate, readConcurrency, sweepTimeout, readDeadline); fix it in the file or the options");
    const bad = await dca("read", "127.0.0.1", "--config", config("bad.toml", '[snmp]\ntimeout = "soon"\n'));
    const line = expectErrorLine(bad, 2, "dca read", 'snmp.timeout: "soon" is not a duration');
    expect(line).not.toContain("snmp.timeout: snmp.timeout");
  });
});

describe("the command line", () => {
  test("bare dca prints the usage on stderr and exits 2, like any usage error", async () => {
    const r = await dca();
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toStartWith("dca: no command given\n\ndca ");
    expect(r.stderr).toContain("Exit codes:");
  });
});
