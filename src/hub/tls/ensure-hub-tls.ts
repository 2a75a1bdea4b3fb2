/**
 * The hub's TLS identity. An operator may hand the hub a certificate (from
 * a public or corporate CA); otherwise the hub is its own CA: it makes a CA
 * once, keeps it for ten years, and issues itself server certificates that
 * agents accept because they trust (or pin) that CA. The CA must survive
 * restarts untouched, since every activated agent pins it.
 */
import { type KeyObject, X509Certificate, createHash, createPrivateKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../../common/write-file-atomic.ts";
import { altNamesExtension, certificatePem, issueCertificate, subjectNameOf } from "./issue-certificate.ts";
import { altNames } from "./subject-alt-names.ts";
import { DcaError } from "../../common/errors.ts";

/** What the hub's HTTPS server needs, and what it tells agents about trusting it. */
export interface HubTls {
  /** The server's private key (PEM). */
  key: string;
  /** PEM chain: the server certificate, then the CA (when the hub made it or the file has it). */
  cert: string;
  /** The CA that agents trust: the hub's own, or the root at the end of the given chain. */
  caPem?: string;
  /** Where that CA is on disk (only for the hub's own CA). */
  caPath?: string;
  /** "sha256:" + hex of the CA certificate's DER: what `dca activate --ca-fingerprint` pins. */
  caFingerprint?: string;
  /** True when the hub made the certificates itself. */
  selfMade: boolean;
}

/** Options of ensureHubTls. */
export interface HubTlsOptions {
  /** Names and addresses agents use to reach the hub; empty means defaultHubHostnames(). */
  hostnames: string[];
  /** An operator's certificate chain (PEM) and its key: used as they are, nothing is made. */
  certFile?: string;
  keyFile?: string;
  now?: () => Date;
}

const DAY_MS = 86_400_000;
const CA_DAYS = 3650;
const SERVER_DAYS = 825;
const RENEW_BEFORE_DAYS = 30;
// Certificates start an hour in the past: an agent whose clock is a little behind still accepts a fresh one.
const BACKDATE_MS = 3_600_000;

/** localhost, 127.0.0.1, ::1 and this machine's host name. */
export function defaultHubHostnames(): string[] {
  return ["localhost", "127.0.0.1", "::1", hostname()];
}

/** "sha256:" + lower-case hex of the SHA-256 of a certificate's DER. */
export function certificateFingerprint(der: Uint8Array): string {
  return `sha256:${createHash("sha256").update(der).digest("hex")}`;
}

/**
 * Returns the hub's key and certificate chain. With certFile and keyFile it
 * loads them; otherwise it makes (first start) or reuses `<dataDir>/tls/ca.*`
 * and re-issues `server.*` when it expires within 30 days, no longer names
 * exactly the wanted hosts, or does not belong to the CA or to its key.
 */
export function ensureHubTls(dataDir: string, opts: HubTlsOptions): HubTls {
  if (opts.certFile !== undefined || opts.keyFile !== undefined) return loadGivenTls(opts.certFile, opts.keyFile);
  const now = (opts.now ?? (() => new Date()))();
  const dir = join(dataDir, "tls");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = ensureCa(dir, now);
  const names = altNames(opts.hostnames.length > 0 ? opts.hostnames : defaultHubHostnames());
  const serverKeyPath = join(dir, "server.key");
  const serverCrtPath = join(dir, "server.crt");
  let server = readServer(serverKeyPath, serverCrtPath);
  const renewAt = new Date(now.getTime() + RENEW_BEFORE_DAYS * DAY_MS);
  const usable =
    server !== undefined &&
    server.cert.checkPrivateKey(server.key) &&
    server.cert.checkIssued(ca.cert) &&
    server.cert.verify(ca.cert.publicKey) &&
    validFrom(server.cert) <= now &&
    validTo(server.cert) > renewAt &&
    server.cert.raw.includes(Buffer.from(altNamesExtension(names)));
  if (!usable) {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const notAfter = Math.min(now.getTime() + SERVER_DAYS * DAY_MS, validTo(ca.cert).getTime());
    const der = issueCertificate({
      subjectCommonName: names[0].name,
      publicKey,
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter: new Date(notAfter),
      issuerName: subjectNameOf(ca.cert.raw),
      issuerPublicKey: ca.cert.publicKey,
      signingKey: ca.key,
      role: { kind: "server", altNames: names },
    });
    // Key first: a crash between the two leaves a pair that does not match, which the next start re-issues.
    writeFileAtomic(serverKeyPath, privateKey.export({ type: "pkcs8", format: "pem" }) as string, 0o600);
    writeFileAtomic(serverCrtPath, certificatePem(der), 0o644);
    server = { key: privateKey, cert: new X509Certificate(der) };
  }
  const caPem = certificatePem(ca.cert.raw);
  return {
    key: server!.key.export({ type: "pkcs8", format: "pem" }) as string,
    cert: certificatePem(server!.cert.raw) + caPem,
    caPem,
    caPath: join(dir, "ca.crt"),
    caFingerprint: certificateFingerprint(ca.cert.raw),
    selfMade: true,
  };
}

interface KeyAndCert {
  key: KeyObject;
  cert: X509Certificate;
}

function ensureCa(dir: string, now: Date): KeyAndCert {
  const keyPath = join(dir, "ca.key");
  const crtPath = join(dir, "ca.crt");
  if (existsSync(crtPath)) {
    if (!existsSync(keyPath)) throw new DcaError("data-loss", `${keyPath} is missing: the hub cannot sign with its CA (${crtPath}) without it; restore the file`);
    const ca = { key: parseKey(keyPath, OWN), cert: parseCert(crtPath, OWN) };
    if (!ca.cert.checkPrivateKey(ca.key)) throw new DcaError("data-loss", `${keyPath} does not belong to ${crtPath}; restore the CA's own key`);
    if (validTo(ca.cert) <= now) throw new DcaError("failed-precondition", `the hub's CA ${crtPath} expired on ${validTo(ca.cert).toISOString()}; agents must be given a new CA`);
    return ca;
  }
  // No ca.crt: a key alone was never handed to any agent (the certificate is written last), so starting over is safe.
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const der = issueCertificate({
    subjectCommonName: `dca hub CA ${randomBytes(4).toString("hex")}`,
    publicKey,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + CA_DAYS * DAY_MS),
    signingKey: privateKey,
    role: { kind: "ca" },
  });
  writeFileAtomic(keyPath, privateKey.export({ type: "pkcs8", format: "pem" }) as string, 0o600);
  writeFileAtomic(crtPath, certificatePem(der), 0o644);
  return { key: privateKey, cert: new X509Certificate(der) };
}

function readServer(keyPath: string, crtPath: string): KeyAndCert | undefined {
  if (!existsSync(keyPath) || !existsSync(crtPath)) return undefined;
  try {
    return { key: parseKey(keyPath, OWN), cert: parseCert(crtPath, OWN) };
  } catch {
    // A damaged server certificate is simply issued again; only the CA is precious.
    return undefined;
  }
}

function loadGivenTls(certFile: string | undefined, keyFile: string | undefined): HubTls {
  if (!certFile || !keyFile) throw new DcaError("usage", "tls: a certificate file and a key file go together; give both or neither");
  const chain = splitPem(readText(certFile, "certificate", GIVEN.cert), certFile, GIVEN.cert);
  const key = parseKey(keyFile, GIVEN.key);
  if (!chain[0].checkPrivateKey(key)) throw new DcaError("invalid-argument", `tls: the key in ${keyFile} does not belong to the certificate in ${certFile}; give --key the key of that certificate`);
  const top = chain[chain.length - 1];
  // A chain ending in a self-signed root names the CA agents can pin; otherwise they rely on their system roots.
  const root = chain.length > 1 && top.checkIssued(top) ? top : undefined;
  return {
    key: readText(keyFile, "key", GIVEN.key),
    cert: chain.map((c) => certificatePem(c.raw)).join(""),
    caPem: root && certificatePem(root.raw),
    caFingerprint: root && certificateFingerprint(root.raw),
    selfMade: false,
  };
}

/** What to do about a file that cannot be used: a given one is the operator's, the CA the hub's own. */
const GIVEN = { cert: "give --cert the certificate and its chain in PEM (-----BEGIN CERTIFICATE-----)", key: "give --key the certificate's unencrypted key in PEM" };
const OWN = "restore the hub's CA files from a backup (agents trust this CA)";

function readText(path: string, what: string, fix: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new DcaError(DcaError.from(e).code, `tls: cannot read the ${what} file ${path} (${(e as NodeJS.ErrnoException).code ?? "error"}); ${fix}`, { cause: e });
  }
}

function parseKey(path: string, fix: string): KeyObject {
  const text = readText(path, "key", fix);
  try {
    return createPrivateKey(text);
  } catch {
    // The parser's message may quote the file; the key stays out of errors.
    throw new DcaError("invalid-argument", `tls: ${path} does not hold an unencrypted private key in PEM; ${fix}`);
  }
}

function parseCert(path: string, fix: string): X509Certificate {
  return splitPem(readText(path, "certificate", fix), path, fix)[0];
}

function splitPem(text: string, path: string, fix: string): X509Certificate[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new DcaError("invalid-argument", `tls: ${path} holds no PEM certificate; ${fix}`);
  try {
    return blocks.map((b) => new X509Certificate(b));
  } catch {
    throw new DcaError("invalid-argument", `tls: ${path} holds a certificate that does not parse; ${fix}`);
  }
}

function validFrom(cert: X509Certificate): Date {
  return cert.validFromDate ?? new Date(cert.validFrom);
}

function validTo(cert: X509Certificate): Date {
  return cert.validToDate ?? new Date(cert.validTo);
}
