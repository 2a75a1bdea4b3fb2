/**
 * Runs the config check and says what is wrong: one refusal per field, each
 * as "path: message" with the path spelt the same by the agent and the hub
 * ("credentials.1.auth", "snmp.port"), never echoing a received value.
 */
import * as v from "valibot";
import { DcaError } from "../errors.ts";
import { FILE_LABELS, type FieldLabels } from "./labels.ts";
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
    const message = i.type === "strict_object" ? `unknown field (allowed: ${allowedKeys(i)})` : i.message.replace(/ but received .*$/, "");
    return { path: path || "(top level)", message };
  });
}

function allowedKeys(issue: v.BaseIssue<unknown>): string {
  const expected = issue.expected ?? "";
  return expected === "never" ? "see the documentation" : expected;
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

/** The refusals as indented "path: message" lines. */
export const formatRefusals = (list: readonly Refusal[]): string => list.map((r) => `  ${r.path}: ${r.message}`).join("\n");

/** Validates raw config; `source` names where it came from in errors. Throws ConfigError. */
export function validateConfig(raw: unknown, source: string, labels: FieldLabels = FILE_LABELS): Config {
  const r = v.safeParse(schemasFor(labels).config, raw);
  if (r.success) return r.output;
  const list = refusals(r.issues, "");
  throw new ConfigError(`invalid configuration in ${source}:\n${formatRefusals(list)}`, list);
}
