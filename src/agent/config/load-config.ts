/**
 * Loads the agent's configuration from a TOML or JSON file and command-line
 * overrides, and checks it once with the contract's check (src/common/config),
 * the same the hub runs. Errors say which field is wrong and what it allows.
 */
import { readFileSync } from "node:fs";
import { jsonErrorAt } from "./json-error-at.ts";
import { describeCredential } from "../../common/credential.ts";
import { type Config, ConfigError, type ConfigInput, validateConfig } from "../../common/config/index.ts";

export { ConfigError, validateConfig };

/** Reads a config file: `.json` as JSON, anything else as TOML. */
export function readConfigFile(path: string): ConfigInput {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(`cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; check --config`);
  }
  if (path.endsWith(".json")) {
    try {
      return JSON.parse(text) as ConfigInput;
    } catch (e) {
      const message = (e as Error).message.replace(/^JSON Parse error: /, "");
      const at = jsonErrorAt(text);
      throw new ConfigError(`${path}${at ? `:${at.line}:${at.column}` : ""} is not valid JSON: ${message}; fix the file${at ? ` at line ${at.line}` : ""}`);
    }
  }
  try {
    return Bun.TOML.parse(text) as ConfigInput;
  } catch (e) {
    const message = (e as Error).message.replace(/^TOML Parse error: /, "");
    const at = tomlErrorAt(text, (e as Error).message);
    throw new ConfigError(`${path}${at ? `:${at.line}:${at.column}` : ""} is not valid TOML: ${message}; fix the file${at ? ` at line ${at.line}` : ""}`);
  }
}

/**
 * Where a TOML parse error is, since Bun's parser does not say: the first
 * line whose prefix of the file fails with the same message, and the first
 * column of that line where it does (1-based). Undefined when no prefix
 * reproduces it (the error is about the end of the file).
 */
export function tomlErrorAt(text: string, message: string): { line: number; column: number } | undefined {
  const lines = text.split("\n");
  const failsSame = (prefix: string) => {
    try {
      Bun.TOML.parse(prefix);
      return false;
    } catch (e) {
      return (e as Error).message === message;
    }
  };
  for (let n = 1; n <= lines.length; n++) {
    const before = lines.slice(0, n - 1).join("\n") + (n > 1 ? "\n" : "");
    if (!failsSame(`${before}${lines[n - 1]}\n`)) continue;
    const line = lines[n - 1]!;
    for (let c = 1; c <= line.length; c++) if (failsSame(before + line.slice(0, c))) return { line: n, column: c };
    return { line: n, column: line.length + 1 };
  }
  return undefined;
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
  return validateConfig(merged, file ? `${file} and the command line` : "the command line", undefined, `fix it in ${file ? "the file or " : ""}the options`);
}

/** The config as text, credentials described by name and kind; every secret prints as <secret>. */
export function redactedConfig(c: Config): string {
  return JSON.stringify({ ...c, credentials: c.credentials.map(describeCredential) }, null, 2);
}
