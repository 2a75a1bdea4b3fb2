/**
 * Facts about a session in words, for the admin commands and the session's
 * own pages: its state, and what the hub saw of an HTTPS printer's
 * certificate (self-signed ones are accepted, so the technician is told
 * what was accepted and can compare the fingerprint with the printer's panel).
 */
import type { PeerCertificate } from "node:tls";
import type { CertificateFacts, WebAccessSession } from "../store/index.ts";

/** "open", "expired" or "ended: <reason>". */
export function sessionState(s: WebAccessSession, now: Date): string {
  if (s.endedAt) return `ended: ${s.endReason}`;
  return s.expiresAt <= now ? "expired" : "open";
}

function distinguishedName(n: Record<string, string | string[]> | undefined): string {
  if (!n) return "";
  return Object.entries(n)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("+") : v}`)
    .join(", ");
}

/** The facts of a peer certificate as node:tls gives it. */
export function certificateFacts(c: PeerCertificate): CertificateFacts {
  const subject = distinguishedName(c.subject as unknown as Record<string, string>);
  const issuer = distinguishedName(c.issuer as unknown as Record<string, string>);
  return {
    subject,
    issuer,
    validFrom: new Date(c.valid_from).toISOString(),
    validTo: new Date(c.valid_to).toISOString(),
    sha256: c.fingerprint256,
    selfSigned: subject === issuer,
  };
}

/** The facts as lines ("Printer  certificate ..."). */
export function describeCertificate(f: CertificateFacts, now = new Date()): string[] {
  const valid = now < new Date(f.validFrom) ? "NOT YET VALID" : now > new Date(f.validTo) ? "EXPIRED" : "valid now";
  return [
    `Printer  certificate ${f.selfSigned ? "self-signed (accepted: printers rarely have another)" : "issued by another party (accepted without checking its chain)"}`,
    `  subject  ${f.subject}`,
    `  issuer   ${f.issuer}`,
    `  valid    ${f.validFrom} to ${f.validTo} (${valid})`,
    `  SHA-256  ${f.sha256}`,
  ];
}
