/**
 * The relay URLs of the last web-access task the agent saw, kept in the
 * state folder for `dca doctor`, which checks the way to them from the
 * customer's PC (there is no other place the agent learns them: the hub
 * names them per task). No secret is in them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { writeFileAtomic } from "../../common/write-file-atomic.ts";

/** The file in the state folder. */
export const RELAY_MEMORY_FILE = "web-access-relay.json";

/** What is remembered. */
export interface SeenRelay {
  urls: string[];
  /** ISO 8601: when the task arrived. */
  seenAt: string;
}

const SeenRelaySchema = v.object({ urls: v.array(v.string()), seenAt: v.string() });

/** Remembers `urls` (a failure to write costs only the doctor's row, so it is the caller's to log). */
export function rememberRelay(dir: string, urls: readonly string[], now: number): void {
  const seen: SeenRelay = { urls: [...urls], seenAt: new Date(now).toISOString() };
  writeFileAtomic(join(dir, RELAY_MEMORY_FILE), `${JSON.stringify(seen)}\n`, 0o600);
}

/** What was remembered last, or undefined (none yet, or an unreadable file). */
export function lastRelay(dir: string): SeenRelay | undefined {
  try {
    const r = v.safeParse(SeenRelaySchema, JSON.parse(readFileSync(join(dir, RELAY_MEMORY_FILE), "utf8")));
    return r.success ? r.output : undefined;
  } catch {
    return undefined;
  }
}
