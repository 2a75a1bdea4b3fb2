/**
 * The agent's configuration, validated once when loaded. Errors name the
 * field and what it allows; secrets are never echoed back.
 */
import * as v from "valibot";
import { parseDuration } from "../../common/duration.ts";
import { AUTH_PROTOCOLS, PRIV_PROTOCOLS } from "../../common/credential.ts";

const duration = (field: string) =>
  v.pipe(
    v.union([v.string(), v.number()], `${field} must be a duration such as 2000, "500ms" or "2s"`),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      try {
        return parseDuration(dataset.value as string | number);
      } catch (e) {
        addIssue({ message: `${field}: ${(e as Error).message}` });
        return NEVER;
      }
    }),
  );

const int = (field: string, min: number, max: number) =>
  v.pipe(
    v.number(`${field} must be a whole number from ${min} to ${max}`),
    v.integer(`${field} must be a whole number from ${min} to ${max}`),
    v.minValue(min, `${field} must be at least ${min}`),
    v.maxValue(max, `${field} must be at most ${max}`),
  );

/** "sha256:password" or { protocol, password }. */
function secretSpec<T extends string>(field: string, protocols: readonly T[]) {
  const allowed = protocols.join(", ");
  return v.pipe(
    v.union([v.string(), v.object({ protocol: v.string(), password: v.string() })], `${field} must be "PROTOCOL:PASSWORD" (${allowed})`),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const raw = dataset.value;
      let protocol: string;
      let password: string;
      if (typeof raw === "string") {
        const i = raw.indexOf(":");
        if (i < 0) {
          addIssue({ message: `${field} must be "PROTOCOL:PASSWORD" with PROTOCOL one of ${allowed}` });
          return NEVER;
        }
        protocol = raw.slice(0, i).toLowerCase().replace(/-/g, "");
        password = raw.slice(i + 1);
      } else {
        protocol = raw.protocol.toLowerCase().replace(/-/g, "");
        password = raw.password;
      }
      if (protocol === "sha1") protocol = "sha";
      if (protocol === "aes") protocol = "aes128";
      if (!(protocols as readonly string[]).includes(protocol)) {
        addIssue({ message: `${field}: protocol "${protocol}" is not one of ${allowed}` });
        return NEVER;
      }
      if (password.length < 8) {
        addIssue({ message: `${field}: the password must have at least 8 characters (RFC 3414)` });
        return NEVER;
      }
      return { protocol: protocol as T, password };
    }),
  );
}

const name = v.pipe(v.string(), v.regex(/^[\w.@-]{1,64}$/, "credential name must be 1-64 letters, digits, . _ - @"));

export const CredentialSchema = v.variant(
  "version",
  [
    v.strictObject({
      name,
      version: v.picklist(["v1", "v2c"]),
      community: v.pipe(v.string(), v.minLength(1, "community must not be empty"), v.maxLength(255)),
    }),
    v.strictObject({
      name,
      version: v.literal("v3"),
      user: v.pipe(v.string(), v.minLength(1, "v3 user must not be empty"), v.maxLength(32)),
      auth: v.optional(secretSpec("auth", AUTH_PROTOCOLS)),
      priv: v.optional(secretSpec("priv", PRIV_PROTOCOLS)),
      context: v.optional(v.string()),
    }),
  ],
  'version must be one of "v1", "v2c", "v3"',
);

export const ConfigSchema = v.strictObject({
  credentials: v.optional(v.array(CredentialSchema), []),
  snmp: v.optional(
    v.strictObject({
      port: v.optional(int("snmp.port", 1, 65535), 161),
      timeout: v.optional(duration("snmp.timeout"), 2000),
      retries: v.optional(int("snmp.retries", 0, 10), 1),
      concurrency: v.optional(int("snmp.concurrency", 1, 65536), 1024),
      rate: v.optional(int("snmp.rate", 1, 1_000_000), 20_000),
      readConcurrency: v.optional(int("snmp.readConcurrency", 1, 1024), 32),
    }),
    {},
  ),
  scan: v.optional(
    v.strictObject({
      targets: v.optional(v.array(v.pipe(v.string(), v.minLength(1))), []),
      exclude: v.optional(v.array(v.pipe(v.string(), v.minLength(1))), []),
    }),
    {},
  ),
});

export type Config = Readonly<v.InferOutput<typeof ConfigSchema>>;
export type ConfigInput = v.InferInput<typeof ConfigSchema>;
