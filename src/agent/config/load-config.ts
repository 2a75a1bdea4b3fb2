/**
 * Loads the agent's configuration from a TOML or JSON file and command-line
 * overrides, and checks it once with the contract's check (src/common/config),
 * the same the hub runs. Errors say which field is wrong and what it allows.
 */
import { readFileSync } from "node:fs";
import { describeCredential } from "../../common/credential.ts";
import { type Config, ConfigError, type ConfigInput, validateConfig } from "../../common/config/index.ts";

export { ConfigError, validateConfig };

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

/** The config as text, credentials described by name and kind; every secret prints as <secret>. */
export function redactedConfig(c: Config): string {
  return JSON.stringify({ ...c, credentials: c.credentials.map(describeCredential) }, null, 2);
}
