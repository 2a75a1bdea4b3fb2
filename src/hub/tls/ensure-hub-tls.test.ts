/**
 * The hub's certificates against real peers: the openssl CLI parses and
 * verifies them (an independent X.509 implementation), and a real HTTPS
 * server on loopback serves them to a client that trusts the CA or not.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request, createServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type HubTls, ensureHubTls, hubTrustHint } from "./index.ts";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "dca-hub-tls-"));
  dirs.push(d);
  return d;
}

function openssl(...args: string[]): { ok: boolean; out: string } {
  const r = Bun.spawnSync(["openssl", ...args], { stdout: "pipe", stderr: "pipe" });
  return { ok: r.exitCode === 0, out: r.stdout.toString() + r.stderr.toString() };
}

/** GET / over HTTPS from `servername` to a server on 127.0.0.1 using `tls`; resolves to the body or the error. */
async function handshake(tls: HubTls, opts: { ca?: string; servername: string }): Promise<string> {
  const server = createServer({ key: tls.key, cert: tls.cert, minVersion: "TLSv1.2" }, (_req, res) => res.end("hello"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  try {
    return await new Promise<string>((resolve) => {
      const req = request({ host: "127.0.0.1", port, servername: opts.servername, ca: opts.ca, path: "/", agent: false }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve(body));
      });
      req.on("error", (e) => resolve(`error: ${e.message}`));
      req.end();
    });
  } finally {
    server.close();
  }
}

const names = ["localhost", "127.0.0.1", "::1", "hub.test"];

describe("ensureHubTls (self-made)", () => {
  test("openssl reads both certificates, finds the CA and server extensions, and verifies the chain", () => {
    const dir = tempDir();
    const tls = ensureHubTls(dir, { hostnames: names });
    expect(tls.selfMade).toBe(true);
    const ca = openssl("x509", "-noout", "-text", "-in", join(dir, "tls/ca.crt"));
    expect(ca.ok).toBe(true);
    expect(ca.out).toMatch(/Subject: O ?= ?dca, CN ?= ?dca hub CA [0-9a-f]{8}/);
    expect(ca.out).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
    expect(ca.out).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(ca.out).toContain("ecdsa-with-SHA256");
    expect(ca.out).toContain("prime256v1");
    const server = openssl("x509", "-noout", "-text", "-in", join(dir, "tls/server.crt"));
    expect(server.ok).toBe(true);
    expect(server.out).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(server.out).toMatch(/Extended Key Usage:\s+TLS Web Server Authentication/);
    expect(server.out).toMatch(/DNS:hub\.test, DNS:localhost, IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1/);
    const verify = openssl("verify", "-CAfile", join(dir, "tls/ca.crt"), join(dir, "tls/server.crt"));
    expect(verify.out.trim()).toBe(`${join(dir, "tls/server.crt")}: OK`);
    // The validity spans: ten years for the CA, 825 days for the server (each backdated an hour).
    const days = (c: X509Certificate) => Math.round((c.validToDate.getTime() - c.validFromDate.getTime()) / 86_400_000);
    expect(days(new X509Certificate(readFileSync(join(dir, "tls/ca.crt"))))).toBe(3650);
    expect(days(new X509Certificate(readFileSync(join(dir, "tls/server.crt"))))).toBe(825);
  });

  test("keys are private files; the fingerprint is the SHA-256 of the CA's DER; the chain is server then CA", () => {
    const dir = tempDir();
    const tls = ensureHubTls(dir, { hostnames: names });
    expect(statSync(join(dir, "tls/ca.key")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "tls/server.key")).mode & 0o777).toBe(0o600);
    const fp = openssl("x509", "-noout", "-fingerprint", "-sha256", "-in", join(dir, "tls/ca.crt")).out;
    const expected = fp.split("=")[1].trim().replaceAll(":", "").toLowerCase();
    expect(tls.caFingerprint).toBe(`sha256:${expected}`);
    expect(tls.caPath).toBe(join(dir, "tls/ca.crt"));
    expect(tls.caPem).toBe(readFileSync(join(dir, "tls/ca.crt"), "utf8"));
    expect(tls.cert).toBe(readFileSync(join(dir, "tls/server.crt"), "utf8") + tls.caPem);
  });

  test("a TLS client that trusts the CA gets through, one that does not is refused, a wrong name is refused", async () => {
    const tls = ensureHubTls(tempDir(), { hostnames: names });
    expect(await handshake(tls, { ca: tls.caPem, servername: "hub.test" })).toBe("hello");
    expect(await handshake(tls, { ca: tls.caPem, servername: "localhost" })).toBe("hello");
    expect(await handshake(tls, { servername: "hub.test" })).toMatch(/^error: .*(certificate|verify)/i);
    expect(await handshake(tls, { ca: tls.caPem, servername: "other.test" })).toMatch(/^error: .*(other\.test|altnames|host)/i);
  });

  test("a second start reuses CA and server certificate; the CA survives a hostname change that re-issues the server", () => {
    const dir = tempDir();
    const first = ensureHubTls(dir, { hostnames: names });
    const again = ensureHubTls(dir, { hostnames: [...names].reverse() });
    expect(again).toEqual(first);
    const renamed = ensureHubTls(dir, { hostnames: [...names, "hub2.test"] });
    expect(renamed.caFingerprint).toBe(first.caFingerprint);
    expect(renamed.cert).not.toBe(first.cert);
    expect(renamed.key).not.toBe(first.key);
    expect(new X509Certificate(renamed.cert).subjectAltName).toContain("DNS:hub2.test");
    expect(openssl("verify", "-CAfile", join(dir, "tls/ca.crt"), join(dir, "tls/server.crt")).ok).toBe(true);
  });

  test("a server certificate expiring within 30 days is re-issued; a damaged one too", () => {
    const dir = tempDir();
    const first = ensureHubTls(dir, { hostnames: names });
    const in790days = new Date(Date.now() + 790 * 86_400_000);
    expect(ensureHubTls(dir, { hostnames: names, now: () => in790days }).cert).toBe(first.cert);
    const in800days = new Date(Date.now() + 800 * 86_400_000);
    const renewed = ensureHubTls(dir, { hostnames: names, now: () => in800days });
    expect(renewed.cert).not.toBe(first.cert);
    expect(renewed.caFingerprint).toBe(first.caFingerprint);
    expect(new X509Certificate(renewed.cert).validToDate.getTime()).toBeGreaterThan(in800days.getTime() + 800 * 86_400_000);
    writeFileSync(join(dir, "tls/server.crt"), "garbage");
    const repaired = ensureHubTls(dir, { hostnames: names });
    expect(openssl("verify", "-CAfile", join(dir, "tls/ca.crt"), join(dir, "tls/server.crt")).ok).toBe(true);
    expect(repaired.caFingerprint).toBe(first.caFingerprint);
  });

  test("a CA certificate without its key is an error, never a silent new CA", () => {
    const dir = tempDir();
    ensureHubTls(dir, { hostnames: names });
    rmSync(join(dir, "tls/ca.key"));
    expect(() => ensureHubTls(dir, { hostnames: names })).toThrow(/ca\.key is missing/);
  });

  test("the trust hint names the CA file and the pin", () => {
    const tls = ensureHubTls(tempDir(), { hostnames: names });
    const hint = hubTrustHint(tls, "https://hub.test:8443");
    expect(hint).toContain(`dca activate --hub https://hub.test:8443 --ca-fingerprint ${tls.caFingerprint}`);
    expect(hint).toContain(`--ca ${tls.caPath}`);
    expect(hint).not.toContain("PRIVATE KEY");
  });
});

describe("ensureHubTls (given certificate)", () => {
  test("loads an operator's chain and key, serves them, and reports the root for pinning", async () => {
    const made = tempDir();
    const own = ensureHubTls(made, { hostnames: names });
    const given = tempDir();
    writeFileSync(join(given, "chain.pem"), own.cert);
    copyFileSync(join(made, "tls/server.key"), join(given, "key.pem"));
    const tls = ensureHubTls(tempDir(), { hostnames: [], certFile: join(given, "chain.pem"), keyFile: join(given, "key.pem") });
    expect(tls.selfMade).toBe(false);
    expect(tls.cert).toBe(own.cert);
    expect(tls.caFingerprint).toBe(own.caFingerprint);
    expect(tls.caPath).toBeUndefined();
    expect(await handshake(tls, { ca: own.caPem, servername: "localhost" })).toBe("hello");
    expect(hubTrustHint(tls, "https://h:1")).toContain(`--ca-fingerprint ${own.caFingerprint}`);
    // A lone leaf names no CA: agents use their system roots.
    writeFileSync(join(given, "leaf.pem"), readFileSync(join(made, "tls/server.crt")));
    const leaf = ensureHubTls(tempDir(), { hostnames: [], certFile: join(given, "leaf.pem"), keyFile: join(given, "key.pem") });
    expect(leaf.caFingerprint).toBeUndefined();
    expect(hubTrustHint(leaf, "https://h:1")).toContain("system's CA roots");
  });

  test("a key that does not belong to the certificate, a missing file, a non-key are clear errors without key material", () => {
    const made = tempDir();
    ensureHubTls(made, { hostnames: names });
    const crt = join(made, "tls/server.crt");
    const wrongKey = join(made, "tls/ca.key");
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as Error).message;
      }
      return "no error";
    };
    const mismatch = err(() => ensureHubTls(tempDir(), { hostnames: [], certFile: crt, keyFile: wrongKey }));
    expect(mismatch).toBe(`tls: the key in ${wrongKey} does not belong to the certificate in ${crt}; give --key the key of that certificate`);
    expect(err(() => ensureHubTls(tempDir(), { hostnames: [], certFile: join(made, "nope.pem"), keyFile: wrongKey }))).toContain(
      "cannot read the certificate file",
    );
    expect(err(() => ensureHubTls(tempDir(), { hostnames: [], certFile: crt, keyFile: crt }))).toContain("does not hold an unencrypted private key");
    expect(err(() => ensureHubTls(tempDir(), { hostnames: [], certFile: wrongKey, keyFile: wrongKey }))).toContain("holds no PEM certificate");
    expect(err(() => ensureHubTls(tempDir(), { hostnames: [], certFile: crt }))).toContain("go together");
    const keyText = readFileSync(wrongKey, "utf8");
    expect(mismatch).not.toContain(keyText.split("\n")[1]);
  });
});
