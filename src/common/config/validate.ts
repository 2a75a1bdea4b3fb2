/**
 * Runs the config check and says what is wrong: one refusal per field, each
 * as "path: message" with the path spelt the same by the agent and the hub
 * ("credentials.1.auth", "snmp.port"), never echoing a received value.
 */
import * as v from "valibot";
import { DcaError } from "../errors.ts";
import { CONFIG_FIELDS, FILE_LABELS, type FieldLabels } from "./labels.ts";
import { type Config, configSchema, credentialSchema } from "./schema.ts";
import type { Credential } from "../credential.ts";

/** A config that cannot be used (`invalid-config`), with every refusal in its message. */
export class ConfigError extends DcaError {
  override name = "ConfigError";
  constructor(
    message: string,
    readonly refusals: readonly Refusal[] = [],
  ) {
    super("invalid-config", message);
  }
}

/** One field refused: where, and why in words. */
export interface Refusal {
  /** "credentials.1.auth", "snmp.port", "(top level)". */
  path: string;
  message: string;
}

const schemas = new Map<FieldLabels, { config: ReturnType<typeof configSchema>; credential: ReturnType<typeof credentialSchema> }>();
function schemasFor(labels: FieldLabels) {
  let s = schemas.get(labels);
  if (!s) schemas.set(labels, (s = { config: configSchema(labels), credential: credentialSchema(labels) }));
  return s;
}

function refusals(issues: readonly v.BaseIssue<unknown>[], prefix: string): Refusal[] {
  return issues.map((i) => {
    const path = [prefix, ...(i.path?.map((p) => String(p.key)) ?? [])].filter(Boolean).join(".");
    // Never echo a received value: it may be a password or a community.
    const message =
      i.type !== "strict_object"
        ? i.message.replace(/ but received .*$/, "")
        : i.received === "undefined"
          ? "missing (it is required)"
          : `unknown field (allowed: ${allowedKeys(i)})`;
    return { path: path || "(top level)", message };
  });
}

/** The keys allowed where an unknown one was found, from the one list of fields (list indexes skipped). */
function allowedKeys(issue: v.BaseIssue<unknown>): string {
  const section = (issue.path ?? []).slice(0, -1).map((p) => p.key).filter((k) => typeof k === "string").join(".");
  const keys = CONFIG_FIELDS.filter((f) => !section || f.startsWith(`${section}.`)).map((f) => f.slice(section ? section.length + 1 : 0).split(".")[0]);
  return [...new Set(keys)].join(", ");
}

/** The refusals of a raw config (none: it is good). */
export function configRefusals(raw: unknown, labels: FieldLabels = FILE_LABELS): Refusal[] {
  const r = v.safeParse(schemasFor(labels).config, raw);
  return r.success ? [] : refusals(r.issues, "");
}

/** Checks one credential; refusal paths start with `path` ("credentials.2"). */
export function parseCredential(raw: unknown, path: string, labels: FieldLabels = FILE_LABELS): { credential: Credential } | { refusals: Refusal[] } {
  const r = v.safeParse(schemasFor(labels).credential, raw);
  return r.success ? { credential: r.output as Credential } : { refusals: refusals(r.issues, path) };
}

/**
 * One refusal as "path: message", the field named once: a message that
 * starts with the field's path (as the agent names fields: "snmp.port") has
 * it dropped, since the path is in front.
 */
export function formatRefusal(r: Refusal): string {
  const own = [r.path, r.path.replace(/\.\d+(?=\.|$)/g, "")];
  const label = own.find((l) => r.message.startsWith(`${l}: `) || r.message.startsWith(`${l} `));
  const rest = label ? r.message.slice(label.length).replace(/^:? /, "") : r.message;
  return `${r.path}: ${rest}`;
}

/** The refusals as indented lines. */
export const formatRefusals = (list: readonly Refusal[]): string => list.map((r) => `  ${formatRefusal(r)}`).join("\n");

/** Validates raw config; `source` names where it came from in errors, `fix` says what to do. Throws ConfigError. */
export function validateConfig(raw: unknown, source: string, labels: FieldLabels = FILE_LABELS, fix?: string): Config {
  const r = v.safeParse(schemasFor(labels).config, raw);
  if (r.success) return r.output;
  const list = refusals(r.issues, "");
  const message =
    list.length === 1
      ? `invalid configuration in ${source}: ${formatRefusal(list[0]!)}${fix ? `; ${fix}` : ""}`
      : `invalid configuration in ${source}${fix ? ` (${fix})` : ""}:\n${formatRefusals(list)}`;
  throw new ConfigError(message, list);
}
