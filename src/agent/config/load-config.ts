/**
 * Loads the configuration from a TOML or JSON file and command-line
 * overrides, and validates it once. Errors say which field is wrong and
 * what it allows.
 */
import { readFileSync } from "node:fs";
import * as v from "valibot";
import { describeCredential } from "../../common/credential.ts";
import { type Config, type ConfigInput, ConfigSchema } from "./schema.ts";

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Reads a config file: `.json` as JSON, anything else as TOML. */
export function readConfigFile(path: string): ConfigInput {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(`cannot read config file ${path}: ${(e as Error).message}`);
  }
  try {
    return (path.endsWith(".json") ? JSON.parse(text) : Bun.TOML.parse(text)) as ConfigInput;
  } catch (e) {
    throw new ConfigError(`${path} is not valid ${path.endsWith(".json") ? "JSON" : "TOML"}: ${(e as Error).message}`);
  }
}

/** Validates raw config; `source` names where it came from in errors. */
export function validateConfig(raw: unknown, source: string): Config {
  const r = v.safeParse(ConfigSchema, raw);
  if (r.success) return r.output;
  const lines = r.issues.map((i) => {
    const path = i.path?.map((p) => p.key).join(".") ?? "";
    // Never echo a received value: it may be a password or a community.
    const msg = i.type === "strict_object" ? `unknown field (allowed: ${allowedKeys(i)})` : i.message.replace(/ but received .*$/, "");
    return `  ${path || "(top level)"}: ${msg}`;
  });
  throw new ConfigError(`invalid configuration in ${source}:\n${lines.join("\n")}`);
}

function allowedKeys(issue: v.BaseIssue<unknown>): string {
  const expected = issue.expected ?? "";
  return expected === "never" ? "see the documentation" : expected;
}

/** Merges file config with overrides (overrides win, section by section) and validates. */
export function loadConfig(file: string | undefined, overrides: ConfigInput): Config {
  const base: ConfigInput = file ? readConfigFile(file) : {};
  const merged: ConfigInput = {
    ...base,
    ...(overrides.credentials?.length ? { credentials: overrides.credentials } : {}),
    snmp: { ...(base.snmp ?? {}), ...(overrides.snmp ?? {}) },
    scan: { ...(base.scan ?? {}), ...(overrides.scan ?? {}) },
  };
  return validateConfig(merged, file ? `${file} and the command line` : "the command line");
}

/** The config as text, with every secret replaced by <secret>. */
export function redactedConfig(c: Config): string {
  return JSON.stringify({ ...c, credentials: c.credentials.map(describeCredential) }, null, 2);
}
