/** A small, strict command-line parser: known flags only, clear errors. */
import { DcaError, type DcaErrorOptions } from "./errors.ts";

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string[]>;
}

/** A command line that is wrong: code `usage`, so the CLIs exit 2 and point at the usage. */
export class UsageError extends DcaError {
  override name = "UsageError";
  constructor(message: string, options?: Omit<DcaErrorOptions, "reason">) {
    super("usage", message, options);
  }
}

/** `booleans` take no value; `valued` take one (as `--x v` or `--x=v`), and may repeat. */
export function parseArgs(argv: readonly string[], valued: readonly string[], booleans: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
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
    } else {
      const all = [...valued, ...booleans].map((f) => `--${f}`).join(", ");
      throw new UsageError(`unknown option --${name} (options: ${all})`);
    }
  }
  return { positional, flags };
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
