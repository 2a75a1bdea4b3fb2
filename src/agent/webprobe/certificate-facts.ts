/**
 * What a printer's TLS certificate says, from the peer certificate of a
 * connection made without verification (printers mostly present
 * self-signed or expired certificates, and the technician wants to see
 * them). Whether the chain would verify is the socket's own verdict.
 */
import { X509Certificate } from "node:crypto";
import type { TLSSocket } from "node:tls";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type TlsCertificateFacts, TlsCertificateFactsSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { cleanText } from "../../common/text.ts";

const MAX_NAME = 512;
const MAX_SANS = 64;

/** "CN=x\nO=y" (one attribute a line, as X509Certificate prints it) to "CN=x, O=y". */
function nameText(multiline: string): string {
  return cleanText(multiline.split("\n").filter(Boolean).join(", "), MAX_NAME);
}

function validDate(text: string): Date | undefined {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Facts of a DER certificate, judged at `now`; the trust fields are left for the caller. */
export function certificateFacts(der: Uint8Array, now: Date = new Date()): TlsCertificateFacts {
  const cert = new X509Certificate(der);
  let selfSigned = false;
  if (cert.subject === cert.issuer) {
    try {
      selfSigned = cert.verify(cert.publicKey);
    } catch {
      selfSigned = false;
    }
  }
  const notBefore = validDate(cert.validFrom);
  const notAfter = validDate(cert.validTo);
  const sans = (cert.subjectAltName ?? "")
    .split(/,\s*/)
    .map((s) => cleanText(s, 256))
    .filter(Boolean)
    .slice(0, MAX_SANS);
  return create(TlsCertificateFactsSchema, {
    subject: nameText(cert.subject),
    issuer: nameText(cert.issuer),
    subjectAltNames: sans,
    notBefore: notBefore ? timestampFromDate(notBefore) : undefined,
    notAfter: notAfter ? timestampFromDate(notAfter) : undefined,
    sha256Fingerprint: cert.fingerprint256,
    selfSigned,
    expired: notAfter !== undefined && notAfter.getTime() < now.getTime(),
  });
}

/** Facts of the peer certificate of a connected TLS socket, with its protocol and trust verdict. */
export function peerCertificateFacts(socket: TLSSocket): TlsCertificateFacts | undefined {
  const peer = socket.getPeerCertificate(false);
  if (!peer || !peer.raw) return undefined;
  const facts = certificateFacts(new Uint8Array(peer.raw));
  facts.protocol = socket.getProtocol() ?? "";
  facts.trusted = socket.authorized === true;
  const err = socket.authorizationError;
  facts.trustError = facts.trusted ? "" : cleanText(String(err instanceof Error ? err.message : (err ?? "not verified")), 256);
  return facts;
}
