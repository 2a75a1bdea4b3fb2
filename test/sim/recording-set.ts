/**
 * A device's data: its main recording plus the `name@Context.snmprec`
 * companions that hold what it answers in other SNMP contexts.
 */
import { readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { type Recording, loadSnmprec } from "./snmprec.ts";

/** A recording and its context companions, keyed by context name. */
export interface RecordingSet {
  /** File stem of the main recording (the snmpsim community). */
  readonly name: string;
  readonly main: Recording;
  readonly contexts: ReadonlyMap<string, Recording>;
}

/** Wraps one parsed recording as a set without contexts. */
export function recordingSetOf(main: Recording, contexts: ReadonlyMap<string, Recording> = new Map()): RecordingSet {
  return { name: main.name, main, contexts };
}

/** Loads `dir/name.snmprec` and every `dir/name@Context.snmprec` beside it. */
export function loadRecordingSet(path: string): RecordingSet {
  const file = resolve(path);
  const stem = basename(file).replace(/\.snmprec$/, "");
  const dir = dirname(file);
  const contexts = new Map<string, Recording>();
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith(`${stem}@`) && entry.endsWith(".snmprec")) {
      contexts.set(entry.slice(stem.length + 1, -".snmprec".length), loadSnmprec(join(dir, entry)));
    }
  }
  return { name: stem, main: loadSnmprec(file), contexts };
}

/**
 * Expands directories into their `*.snmprec` files (companions excluded,
 * they load with their main file), keeping the given order otherwise.
 */
export function listRecordingFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (statSync(p).isDirectory()) {
      const files = readdirSync(p)
        .filter((f) => f.endsWith(".snmprec") && !f.includes("@"))
        .sort();
      for (const f of files) out.push(join(p, f));
    } else {
      out.push(p);
    }
  }
  if (out.length === 0) throw new Error(`no .snmprec recordings in ${paths.join(", ")}`);
  return out;
}

/** Loads each path once, so a thousand devices share a handful of parsed recordings. */
export function createRecordingCache(): (path: string) => RecordingSet {
  const cache = new Map<string, RecordingSet>();
  return (path) => {
    const key = resolve(path);
    let set = cache.get(key);
    if (!set) {
      set = loadRecordingSet(key);
      cache.set(key, set);
    }
    return set;
  };
}
