/**
 * `site add-credential` options into an SnmpCredential. Errors never echo
 * what was typed for a secret option: a mistyped "sha256:pass" may be a
 * password with the colon in the wrong place.
 */
import { create } from "@bufbuild/protobuf";
import { type ParsedArgs, UsageError, flag } from "../../common/args.ts";
import { AUTH_PROTOCOLS, PRIV_PROTOCOLS } from "../../common/credential.ts";
import { type SnmpCredential, SnmpCredentialSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { SnmpVersion } from "../../gen/dca/v1/reading_pb.ts";

/** Shortest SNMPv3 password (RFC 3414 needs 8 characters for key localisation). */
export const MIN_PASSWORD = 8;
/** What a credential name may hold; it shows in readings and listings. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;

/** The options `site add-credential` takes. */
export const CREDENTIAL_FLAGS = { valued: ["name", "community", "v3-user", "v3-auth", "v3-priv", "context"], booleans: ["v1", "json"] } as const;

/** Builds and checks a credential from the parsed options. */
export function credentialFromArgs(p: ParsedArgs): SnmpCredential {
  const name = flag(p, "name");
  if (!name) throw new UsageError("--name is required (the name shows in readings instead of the secret)");
  if (!NAME.test(name)) throw new UsageError("--name must be 1-64 letters, digits or . _ : @ - (starting with a letter or digit)");
  const community = flag(p, "community");
  const user = flag(p, "v3-user");
  if ((community === undefined) === (user === undefined)) throw new UsageError("give either --community or --v3-user");
  if (community !== undefined) {
    for (const f of ["v3-auth", "v3-priv", "context"]) if (p.flags.has(f)) throw new UsageError(`--${f} is for --v3-user credentials`);
    if (community === "") throw new UsageError("--community must not be empty");
    if (community.length > 255) throw new UsageError("--community must have at most 255 characters");
    return create(SnmpCredentialSchema, { name, version: p.flags.has("v1") ? SnmpVersion.V1 : SnmpVersion.V2C, community });
  }
  if (p.flags.has("v1")) throw new UsageError("--v1 is for --community credentials");
  if (!user || user.length > 255) throw new UsageError("--v3-user must have 1 to 255 characters");
  const auth = secretPair(flag(p, "v3-auth"), "--v3-auth", AUTH_PROTOCOLS);
  const priv = secretPair(flag(p, "v3-priv"), "--v3-priv", PRIV_PROTOCOLS);
  if (priv && !auth) throw new UsageError("--v3-priv needs --v3-auth (SNMPv3 has no privacy without authentication)");
  return create(SnmpCredentialSchema, {
    name,
    version: SnmpVersion.V3,
    user,
    authProtocol: auth?.protocol ?? "",
    authPassword: auth?.password ?? "",
    privProtocol: priv?.protocol ?? "",
    privPassword: priv?.password ?? "",
    context: flag(p, "context") ?? "",
  });
}

function secretPair(value: string | undefined, what: string, protocols: readonly string[]): { protocol: string; password: string } | undefined {
  if (value === undefined) return undefined;
  const colon = value.indexOf(":");
  const protocol = colon > 0 ? value.slice(0, colon).toLowerCase() : "";
  if (!protocols.includes(protocol)) throw new UsageError(`${what} must be PROTOCOL:PASSWORD with PROTOCOL one of ${protocols.join(", ")}`);
  const password = value.slice(colon + 1);
  if (password.length < MIN_PASSWORD) throw new UsageError(`${what} password must have at least ${MIN_PASSWORD} characters`);
  if (password.length > 255) throw new UsageError(`${what} password must have at most 255 characters`);
  return { protocol, password };
}
