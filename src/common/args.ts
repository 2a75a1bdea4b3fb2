/** A small, strict command-line parser: known flags only, clear errors. */
import { readFileSync } from "node:fs";
import { DcaError, type DcaErrorOptions } from "./errors.ts";

/**
 * Options whose value is a secret. A command line shows in `ps` and in shell history, so each of
 * these, wherever a command takes it, can also come from `--NAME-file FILE` (one value per line) or
 * from the environment variable `DCA_NAME` (upper case, `-` as `_`: `DCA_COMMUNITY`, `DCA_V3_AUTH`).
 * The command line wins over the file, the file over the environment.
 */
export const SECRET_OPTIONS: readonly string[] = ["community", "v3-auth", "v3-priv", "code", "proxy"];

/** The most a secret file may hold: a few secrets, not a stray log file. */
export const SECRET_FILE_MAX_BYTES = 64 * 1024;

/** The environment variable a secret option can come from. */
export function secretEnvName(option: string): string {
  return `DCA_${option.toUpperCase().replace(/-/g, "_")}`;
}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string[]>;
  /** Secret options whose value came from the environment, not from the command line or a file. */
  fromEnv?: Set<string>;
}

/** A command line that is wrong: code `usage`, so the CLIs exit 2 and point at the usage. */
export class UsageError extends DcaError {
  override name = "UsageError";
  constructor(message: string, options?: Omit<DcaErrorOptions, "reason">) {
    super("usage", message, options);
  }
}

/**
 * `booleans` take no value; `valued` take one (as `--x v` or `--x=v`), and may repeat. A valued
 * option named in {@link SECRET_OPTIONS} also reads `--x-file FILE` and the environment (`env`).
 */
export function parseArgs(
  argv: readonly string[],
  valued: readonly string[],
  booleans: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  const secrets = valued.filter((f) => SECRET_OPTIONS.includes(f));
  const fromFiles = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (booleans.includes(name)) {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      flags.set(name, ["true"]);
    } else if (valued.includes(name)) {
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith("--"))) throw new UsageError(`--${name} needs a value`);
      flags.set(name, [...(flags.get(name) ?? []), value]);
    } else if (name.endsWith("-file") && secrets.includes(name.slice(0, -5))) {
      const file = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (file === undefined || (eq < 0 && file.startsWith("--"))) throw new UsageError(`--${name} needs a file name`);
      fromFiles.set(name.slice(0, -5), [...(fromFiles.get(name.slice(0, -5)) ?? []), ...readSecretFile(name, file)]);
    } else {
      const all = [...valued, ...secrets.map((f) => `${f}-file`), ...booleans].map((f) => `--${f}`).join(", ");
      throw new UsageError(`unknown option --${name} (options: ${all})`);
    }
  }
  const fromEnv = new Set<string>();
  for (const s of secrets) {
    if (flags.has(s)) continue;
    const file = fromFiles.get(s);
    if (file) flags.set(s, file);
    else if (env[secretEnvName(s)]) {
      flags.set(s, [env[secretEnvName(s)]!]);
      fromEnv.add(s);
    }
  }
  return { positional, flags, fromEnv };
}

/** The non-empty lines of a secret file; errors name the file, never its content. */
function readSecretFile(option: string, file: string): string[] {
  let text: string;
  try {
    const bytes = readFileSync(file);
    if (bytes.length > SECRET_FILE_MAX_BYTES) throw new Error(`it holds ${bytes.length} bytes, more than ${SECRET_FILE_MAX_BYTES}`);
    text = bytes.toString("utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "it is a folder" : (e as Error).message;
    throw new UsageError(`cannot read --${option} ${file}: ${why}`);
  }
  const values = text.split(/\r?\n/).filter((line) => line !== "");
  if (!values.length) throw new UsageError(`--${option} ${file} is empty`);
  return values;
}

/** The last value of a flag. */
export function flag(p: ParsedArgs, name: string): string | undefined {
  return p.flags.get(name)?.at(-1);
}

/** All values of a repeatable, comma-separated flag. */
export function listFlag(p: ParsedArgs, name: string): string[] {
  return (p.flags.get(name) ?? []).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean);
}

/** A whole-number flag, with the field named in errors. */
export function intFlag(p: ParsedArgs, name: string): number | undefined {
  const s = flag(p, name);
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s)) throw new UsageError(`--${name} must be a whole number, got "${s}"`);
  return Number(s);
}
