/**
 * The one check of an agent's configuration, with its defaults and limits.
 * The agent runs it on its config file and on every config the hub sends;
 * the hub runs it before it stores a site's config, so nothing an agent
 * would refuse can be saved. Messages name the field, never a value that
 * may be secret.
 */
import * as v from "valibot";
import { AUTH_PROTOCOLS, type AuthProtocol, DEFAULT_CREDENTIAL, PRIV_PROTOCOLS, type PrivProtocol } from "../credential.ts";
import { formatDuration, parseDuration } from "../duration.ts";
import { Secret } from "../secret.ts";
import { TargetError, parseTargetSpec } from "../target-spec.ts";
import type { FieldLabels } from "./labels.ts";

/** Inclusive bounds of the numeric settings (0 in the proto means "the default", never a value). */
export const LIMITS = {
  port: { min: 1, max: 65_535 },
  timeoutMs: { min: 1, max: 600_000 },
  retries: { min: 0, max: 10 },
  concurrency: { min: 1, max: 65_536 },
  rate: { min: 1, max: 1_000_000 },
  readConcurrency: { min: 1, max: 1024 },
  /** One device's read: a second at least, an hour at most. */
  readDeadlineMs: { min: 1000, max: 3_600_000 },
  discoveryMs: { min: 1000, max: 90 * 86_400_000 },
  readMs: { min: 1000, max: 90 * 86_400_000 },
  pollMs: { min: 1000, max: 86_400_000 },
  maxReadings: { min: 1, max: Number.MAX_SAFE_INTEGER },
  maxBytes: { min: 1, max: Number.MAX_SAFE_INTEGER },
  maxAgeMs: { min: 1000, max: 0xffff_ffff * 1000 },
  communityLength: { min: 1, max: 255 },
  /** RFC 3414 usmUserName and RFC 3411 contextName are SnmpAdminString (SIZE(0..32)). */
  userLength: { min: 1, max: 32 },
  contextLength: { min: 0, max: 32 },
  /** RFC 3414 key localisation needs 8 characters. */
  passwordLength: { min: 8, max: 255 },
} as const;

/** The defaults of everything optional. */
export const DEFAULTS = {
  /**
   * sweepTimeout: a discovery sweep's wait after each probe round. Shorter than a read's timeout:
   * an answer to an earlier round still counts until the last round's wait ends, so an address is
   * listened to for sweepTimeout x (retries + 1), 2 s at the defaults, and the sweep ends one
   * sweepTimeout after its last packet (test/bench/sweep/README.md).
   *
   * readDeadline: the most one device's read may take (src/agent/snmp/read-budget.ts): a printer
   * reads in under 2 s on a LAN, so 60 s never cuts a real one and still ends a device that answers
   * each request after a long wait, or never finishes a table.
   */
  snmp: { port: 161, timeout: 2000, retries: 1, rate: 50_000, readConcurrency: 32, sweepTimeout: 1000, readDeadline: 60_000 },
  /** Discovery three times a day, reads hourly, polls every 5 minutes. */
  schedule: { discoveryMs: 8 * 3_600_000, readMs: 3_600_000, pollMs: 300_000 },
} as const;

/** What a credential name may hold: it shows in readings and listings. */
export const CREDENTIAL_NAME = /^[A-Za-z0-9][\w.@-]{0,63}$/;

const between = (label: string, min: number, max: number) => `${label} must be a whole number from ${min} to ${max}`;

const int = (label: string, { min, max }: { min: number; max: number }) =>
  v.pipe(
    v.number(between(label, min, max)),
    v.integer(between(label, min, max)),
    v.minValue(min, `${label} must be at least ${min}`),
    v.maxValue(max, `${label} must be at most ${max}`),
  );

const duration = (label: string, { min, max }: { min: number; max: number }) =>
  v.pipe(
    v.union([v.string(), v.number()], `${label} must be a duration such as 2000, "500ms" or "2s"`),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      try {
        return parseDuration(dataset.value as string | number);
      } catch (e) {
        addIssue({ message: `${label}: ${(e as Error).message}` });
        return NEVER;
      }
    }),
    v.minValue(min, `${label} must be at least ${formatDuration(min)}`),
    v.maxValue(max, `${label} must be at most ${formatDuration(max)}`),
  );

const text = (label: string, { min, max }: { min: number; max: number }) =>
  v.pipe(
    v.string(`${label} must be text`),
    v.minLength(min, min === 1 ? `${label} must not be empty` : `${label} must have at least ${min} characters`),
    v.maxLength(max, `${label} must have at most ${max} characters`),
  );

/** "sha256:password" or { protocol, password }: the protocol spelt any common way, the password kept as a Secret. */
function secretSpec<T extends string>(label: string, protocols: readonly T[]) {
  const allowed = protocols.join(", ");
  return v.pipe(
    v.union([v.string(), v.object({ protocol: v.string(), password: v.string() })], `${label} must be PROTOCOL:PASSWORD with PROTOCOL one of ${allowed}`),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const raw = dataset.value;
      let protocol: string;
      let password: string;
      if (typeof raw === "string") {
        const i = raw.indexOf(":");
        if (i < 0) {
          addIssue({ message: `${label} must be PROTOCOL:PASSWORD with PROTOCOL one of ${allowed}` });
          return NEVER;
        }
        [protocol, password] = [raw.slice(0, i), raw.slice(i + 1)];
      } else ({ protocol, password } = raw);
      protocol = protocol.toLowerCase().replace(/-/g, "");
      if (protocol === "sha1") protocol = "sha";
      if (protocol === "aes") protocol = "aes128";
      if (!(protocols as readonly string[]).includes(protocol)) {
        // Shown only when it looks like a protocol: text before a misplaced colon may be part of a password.
        const shown = /^(md|sha|des|aes)\d{0,4}$/.test(protocol) ? `"${protocol}" ` : "";
        addIssue({ message: `${label}: protocol ${shown}is not one of ${allowed}` });
        return NEVER;
      }
      const { min, max } = LIMITS.passwordLength;
      if (password.length < min || password.length > max) {
        addIssue({ message: `${label} password must have at least ${min} characters (RFC 3414)${password.length > max ? ` and at most ${max}` : ""}` });
        return NEVER;
      }
      return { protocol: protocol as T, password: new Secret(password) };
    }),
  );
}

const target = (label: string) =>
  v.pipe(
    v.string(`${label} must be text`),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      try {
        parseTargetSpec(dataset.value);
      } catch (e) {
        addIssue({ message: e instanceof TargetError ? `${label}: ${e.message}` : `${label}: not a target` });
      }
    }),
  );

/** The credential schema, named with `L`. */
export function credentialSchema(L: FieldLabels) {
  const name = v.pipe(v.string(), v.regex(CREDENTIAL_NAME, `${L["credentials.name"]} must be 1-64 letters, digits or . _ - @ (starting with a letter or digit)`));
  return v.variant(
    "version",
    [
      v.strictObject({
        name,
        version: v.picklist(["v1", "v2c"]),
        community: v.pipe(text(L["credentials.community"], LIMITS.communityLength), v.transform((s) => new Secret(s))),
      }),
      v.pipe(
        v.strictObject({
          name,
          version: v.literal("v3"),
          user: text(L["credentials.user"], LIMITS.userLength),
          auth: v.optional(secretSpec<AuthProtocol>(L["credentials.auth"], AUTH_PROTOCOLS)),
          priv: v.optional(secretSpec<PrivProtocol>(L["credentials.priv"], PRIV_PROTOCOLS)),
          context: v.optional(text(L["credentials.context"], LIMITS.contextLength)),
        }),
        v.rawCheck(({ dataset, addIssue }) => {
          if (dataset.typed && dataset.value.priv && !dataset.value.auth) {
            addIssue({
              message: `${L["credentials.priv"]} needs ${L["credentials.auth"]} (SNMPv3 has no privacy without authentication)`,
              path: [{ type: "object", origin: "value", input: dataset.value, key: "priv", value: dataset.value.priv }],
            });
          }
        }),
      ),
    ],
    `${L["credentials.version"]} must be one of "v1", "v2c", "v3"`,
  );
}

/** The whole config schema, named with `L`. */
export function configSchema(L: FieldLabels) {
  const credentials = v.pipe(
    v.optional(v.array(credentialSchema(L)), []),
    // The one default credential: SNMPv2c "public", when the config names none.
    v.transform((list) => (list.length ? list : [DEFAULT_CREDENTIAL])),
  );
  return v.strictObject({
    credentials,
    snmp: v.optional(
      v.strictObject({
        port: v.optional(int(L["snmp.port"], LIMITS.port), DEFAULTS.snmp.port),
        timeout: v.optional(duration(L["snmp.timeout"], LIMITS.timeoutMs), DEFAULTS.snmp.timeout),
        retries: v.optional(int(L["snmp.retries"], LIMITS.retries), DEFAULTS.snmp.retries),
        // No default: the targets in flight follow from rate x timeout; set, it is an upper bound.
        concurrency: v.optional(int(L["snmp.concurrency"], LIMITS.concurrency)),
        rate: v.optional(int(L["snmp.rate"], LIMITS.rate), DEFAULTS.snmp.rate),
        readConcurrency: v.optional(int(L["snmp.readConcurrency"], LIMITS.readConcurrency), DEFAULTS.snmp.readConcurrency),
        sweepTimeout: v.optional(duration(L["snmp.sweepTimeout"], LIMITS.timeoutMs), DEFAULTS.snmp.sweepTimeout),
        readDeadline: v.optional(duration(L["snmp.readDeadline"], LIMITS.readDeadlineMs), DEFAULTS.snmp.readDeadline),
      }),
      {},
    ),
    scan: v.optional(
      v.strictObject({
        targets: v.optional(v.array(target(L["scan.targets"])), []),
        exclude: v.optional(v.array(target(L["scan.exclude"])), []),
      }),
      {},
    ),
    schedule: v.optional(
      v.strictObject({
        discovery: v.optional(duration(L["schedule.discovery"], LIMITS.discoveryMs), DEFAULTS.schedule.discoveryMs),
        read: v.optional(duration(L["schedule.read"], LIMITS.readMs), DEFAULTS.schedule.readMs),
        poll: v.optional(duration(L["schedule.poll"], LIMITS.pollMs), DEFAULTS.schedule.pollMs),
      }),
      {},
    ),
    outbox: v.optional(
      v.strictObject({
        maxReadings: v.optional(int(L["outbox.maxReadings"], LIMITS.maxReadings)),
        maxBytes: v.optional(int(L["outbox.maxBytes"], LIMITS.maxBytes)),
        maxAge: v.optional(duration(L["outbox.maxAge"], LIMITS.maxAgeMs)),
      }),
      {},
    ),
  });
}

type Schema = ReturnType<typeof configSchema>;
/** A checked config: every default filled in, secrets as Secrets. */
export type Config = Readonly<v.InferOutput<Schema>>;
/** What a config file, the command line or the hub's proto hands to the check. */
export type ConfigInput = v.InferInput<Schema>;
