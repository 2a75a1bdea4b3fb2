/**
 * What the hub prints on start about trusting it: an agent that does not
 * know the hub's CA would refuse it, so the operator is told exactly what to
 * run on the agent side.
 */
import type { HubTls } from "./ensure-hub-tls.ts";

/**
 * The trust instructions for agents of the hub at `hubUrl`: the pin to give
 * `dca activate` (and the CA file to copy instead) for a hub with its own CA,
 * or that agents use their system roots for an operator's certificate.
 * Holds no secret: a CA certificate and its fingerprint are public.
 */
export function hubTrustHint(tls: HubTls, hubUrl: string): string {
  const lines: string[] = [];
  if (tls.caFingerprint) {
    const what = tls.selfMade ? `its own CA${tls.caPath ? ` (${tls.caPath})` : ""}` : "the CA at the end of its certificate chain";
    lines.push(`The hub's certificate comes from ${what}. Agents trust it by its fingerprint:`);
    lines.push(`  dca activate --hub ${hubUrl} --ca-fingerprint ${tls.caFingerprint}`);
    if (tls.caPath) lines.push(`or with a copy of the CA file: dca activate --hub ${hubUrl} --ca ${tls.caPath}`);
  } else {
    lines.push("The hub uses the given certificate; agents trust it through their system's CA roots:");
    lines.push(`  dca activate --hub ${hubUrl}`);
  }
  return lines.join("\n");
}
