/**
 * SNMP credentials. A credential has a name that may be logged and shown
 * in readings; its secrets (community, passwords) are Secrets, which print
 * as `<secret>` everywhere.
 */
import { create } from "@bufbuild/protobuf";
import { type SnmpCredential, SnmpCredentialSchema } from "../gen/dca/v1/agent_service_pb.ts";
import { SnmpVersion } from "../gen/dca/v1/reading_pb.ts";
import { SECRET_MARK, Secret } from "./secret.ts";

/** SNMPv3 authentication protocols, as every part of dca spells them. */
export const AUTH_PROTOCOLS = ["md5", "sha", "sha224", "sha256", "sha384", "sha512"] as const;
/** SNMPv3 privacy protocols ("aes128" is RFC 3826 AES; "aes256" the Blumenthal draft as Net-SNMP does it). */
export const PRIV_PROTOCOLS = ["des", "aes128", "aes256"] as const;
export type AuthProtocol = (typeof AUTH_PROTOCOLS)[number];
export type PrivProtocol = (typeof PRIV_PROTOCOLS)[number];

export interface CommunityCredential {
  name: string;
  version: "v1" | "v2c";
  community: Secret;
}

export interface V3Credential {
  name: string;
  version: "v3";
  user: string;
  auth?: { protocol: AuthProtocol; password: Secret };
  priv?: { protocol: PrivProtocol; password: Secret };
  /** SNMPv3 context name; empty for the default context. */
  context?: string;
}

export type Credential = CommunityCredential | V3Credential;

/** What an agent tries when its config names no credential: SNMPv2c, community "public". */
export const DEFAULT_CREDENTIAL: CommunityCredential = Object.freeze({ name: "community-1", version: "v2c", community: new Secret("public") });

/** What a description shows of a credential: never a secret, so the checked and the stored (proto) forms both fit. */
export interface DescribedCredential {
  name: string;
  version: string;
  user?: string;
  auth?: { protocol: string };
  priv?: { protocol: string };
  context?: string;
}

/** Printable form of a credential: name and kind, never the secrets ("office (v2c, community <secret>)"). */
export function describeCredential(c: DescribedCredential): string {
  if (c.version !== "v3") return `${c.name} (${c.version}, community ${SECRET_MARK})`;
  const level = c.priv ? `authPriv ${c.auth?.protocol}/${c.priv.protocol}` : c.auth ? `authNoPriv ${c.auth.protocol}` : "noAuthNoPriv";
  return `${c.name} (v3 user ${c.user}, ${level}${c.context ? `, context ${c.context}` : ""})`;
}

/** The same credential aimed at an SNMP context ("Jetdirect" on HP). */
export function withContext(c: Credential, context: string): Credential {
  if (c.version === "v3") return { ...c, context };
  // v1/v2c agents that host several contexts take "community@context" (snmpsim, HP, Cisco).
  return { ...c, community: new Secret(`${c.community.reveal()}@${context}`) };
}

/** The proto form the hub stores and sends (the hub keeps the secrets; only agents use them). */
export function credentialToProto(c: Credential): SnmpCredential {
  if (c.version !== "v3") {
    return create(SnmpCredentialSchema, { name: c.name, version: c.version === "v1" ? SnmpVersion.V1 : SnmpVersion.V2C, community: c.community.reveal() });
  }
  return create(SnmpCredentialSchema, {
    name: c.name,
    version: SnmpVersion.V3,
    user: c.user,
    authProtocol: c.auth?.protocol ?? "",
    authPassword: c.auth?.password.reveal() ?? "",
    privProtocol: c.priv?.protocol ?? "",
    privPassword: c.priv?.password.reveal() ?? "",
    context: c.context ?? "",
  });
}

/** The proto credential's fields that hold secrets: what redaction blanks out. */
export const SECRET_FIELDS = ["community", "authPassword", "privPassword"] as const satisfies readonly (keyof SnmpCredential)[];
