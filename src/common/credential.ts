/**
 * SNMP credentials. A credential has a name that may be logged and shown
 * in readings; its secrets (community, passwords) never are.
 */

export const AUTH_PROTOCOLS = ["md5", "sha", "sha224", "sha256", "sha384", "sha512"] as const;
export const PRIV_PROTOCOLS = ["des", "aes128", "aes256"] as const;
export type AuthProtocol = (typeof AUTH_PROTOCOLS)[number];
export type PrivProtocol = (typeof PRIV_PROTOCOLS)[number];

export interface CommunityCredential {
  name: string;
  version: "v1" | "v2c";
  community: string;
}

export interface V3Credential {
  name: string;
  version: "v3";
  user: string;
  auth?: { protocol: AuthProtocol; password: string };
  priv?: { protocol: PrivProtocol; password: string };
  /** SNMPv3 context name; empty for the default context. */
  context?: string;
}

export type Credential = CommunityCredential | V3Credential;

/** Printable form of a credential: name and kind, never the secrets. */
export function describeCredential(c: Credential): string {
  if (c.version !== "v3") return `${c.name} (${c.version}, community <secret>)`;
  const level = c.priv ? `authPriv ${c.auth?.protocol}/${c.priv.protocol}` : c.auth ? `authNoPriv ${c.auth.protocol}` : "noAuthNoPriv";
  return `${c.name} (v3 user ${c.user}, ${level})`;
}

/** The same credential aimed at an SNMP context ("Jetdirect" on HP). */
export function withContext(c: Credential, context: string): Credential {
  if (c.version === "v3") return { ...c, context };
  // v1/v2c agents that host several contexts take "community@context" (snmpsim, HP, Cisco).
  return { ...c, community: `${c.community}@${context}` };
}
