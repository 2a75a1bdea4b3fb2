/**
 * Certificate pinning: the agent accepts its hub when the chain the hub
 * presents leads, signature by signature, from a certificate for the hub's
 * name up to the certificate whose SHA-256 the agent was activated with.
 * Finding the pinned certificate somewhere in the chain is not enough: the
 * CA certificate is public, and anyone could send it behind a leaf of their
 * own.
 */
import { X509Certificate, createHash } from "node:crypto";
import { isIP } from "node:net";
import type { PeerCertificate, TLSSocket } from "node:tls";
import { DcaError } from "./errors.ts";

/** "sha256:" + lower-case hex of the SHA-256 of a certificate's DER. */
export function fingerprintOf(der: Uint8Array): string {
  return `sha256:${createHash("sha256").update(der).digest("hex")}`;
}

/** The certificates the peer presented (as the TLS stack saw them), leaf first, each once. */
export function peerChain(socket: TLSSocket): X509Certificate[] {
  const out: X509Certificate[] = [];
  const seen = new Set<string>();
  for (let c: PeerCertificate | undefined = socket.getPeerCertificate(true); c?.raw; c = (c as { issuerCertificate?: PeerCertificate }).issuerCertificate) {
    const fp = fingerprintOf(c.raw);
    if (seen.has(fp)) break;
    seen.add(fp);
    out.push(new X509Certificate(c.raw));
  }
  return out;
}

/**
 * Checks that `chain[0]` is valid now for `host` and that a path of
 * signatures through the chain reaches a certificate with fingerprint `pin`
 * (the leaf itself may be pinned). Returns undefined when it does, else why not.
 */
export function checkPinnedChain(chain: readonly X509Certificate[], host: string, pin: string, now = new Date()): string | undefined {
  const leaf = chain[0];
  if (!leaf) return "the hub presented no certificate";
  const nameOk = isIP(host) ? leaf.checkIP(host) !== undefined : leaf.checkHost(host) !== undefined;
  if (!nameOk) return `the hub's certificate is not valid for ${host}`;
  let current = leaf;
  const used = new Set<X509Certificate>([leaf]);
  for (;;) {
    if (!withinValidity(current, now)) return `a certificate in the hub's chain (${current.subject.replaceAll("\n", ", ")}) is not valid at this time`;
    if (fingerprintOf(current.raw) === pin) return undefined;
    // The next link must be a CA that issued the current certificate and whose key verifies its signature.
    const issuer = chain.find((c) => !used.has(c) && c.ca && current.checkIssued(c) && current.verify(c.publicKey));
    if (!issuer) return `the hub's certificate chain does not lead to the pinned CA ${pin}`;
    used.add(issuer);
    current = issuer;
  }
}

function withinValidity(cert: X509Certificate, now: Date): boolean {
  const from = cert.validFromDate ?? new Date(cert.validFrom);
  const to = cert.validToDate ?? new Date(cert.validTo);
  return from <= now && now <= to;
}

/**
 * Normalises a CA pin to "sha256:" + 64 lower-case hex digits; accepts the
 * colon-separated upper-case form openssl prints, with or without the prefix.
 */
export function normalizeFingerprint(pin: string): string {
  const hex = pin
    .trim()
    .replace(/^sha256:/i, "")
    .replaceAll(":", "")
    .toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new DcaError("invalid-argument", 'a CA fingerprint must be "sha256:" followed by 64 hex digits; copy it from what "dca-hub serve" prints');
  return `sha256:${hex}`;
}
