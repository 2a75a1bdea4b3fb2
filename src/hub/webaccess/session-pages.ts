/**
 * The few pages the proxy answers itself: why a request was refused (403),
 * why the printer could not be reached (502/503/504), and the session's own
 * facts at /.dca-session (what it reaches, until when, the HTTPS printer's
 * certificate). Short, no scripts, nothing from the printer unescaped.
 */
import type { CertificateFacts, WebAccessSession } from "../store/index.ts";
import { describeCertificate } from "./session-facts.ts";

/** The path of the session's facts page (a printer never uses a dot-folder of this name). */
export const SESSION_INFO_PATH = "/.dca-session";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A whole HTML page. */
export function page(title: string, lines: string[]): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1>${lines.map((l) => `<p>${escape(l)}</p>`).join("")}</body></html>\n`;
}

/** The session's facts page. */
export function sessionInfoPage(s: WebAccessSession, certificate: CertificateFacts | undefined, now: Date): string {
  const lines = [
    `Session ${s.id}, opened by ${s.openedBy} at ${s.openedAt.toISOString()}.`,
    `It reaches ${s.tls ? "https" : "http"}://${s.address}:${s.port} through the site's agent ${s.agentId}.`,
    `It ends at ${s.expiresAt.toISOString()}, or after ${s.idleSeconds} s without traffic.`,
  ];
  if (s.tls) {
    lines.push(...(certificate ? describeCertificate(certificate, now).map((l) => l.trim()) : ["The printer's certificate has not been seen yet (the tunnel is not up)."]));
  }
  return page("Device Web Access session", lines);
}
