/**
 * Where the Windows service's output goes. The SCM starts it without a
 * console, so everything the commands print (the `dca run` log lines, a
 * failure's one line) is appended to `dca.log` in the state folder instead,
 * which only SYSTEM and Administrators can read. Lines from `dca run` carry
 * their own timestamp; the service's own lines get one here. Kept to two
 * files of at most 5 MB: a full `dca.log` becomes `dca.log.1`, replacing the
 * one before.
 */
import { appendFileSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import { format } from "node:util";

export const SERVICE_LOG_FILE = "dca.log";
const MAX_BYTES = 5 * 1024 * 1024;

/** Appends to `dir`/dca.log, rotating it past `maxBytes`; never throws (the service runs on without its log). */
export function createLogFile(dir: string, maxBytes = MAX_BYTES): (chunk: string | Uint8Array) => void {
  const file = join(dir, SERVICE_LOG_FILE);
  let size: number | undefined;
  return (chunk) => {
    try {
      size ??= statSync(file, { throwIfNoEntry: false })?.size ?? 0;
      if (size > maxBytes) {
        renameSync(file, `${file}.1`);
        size = 0;
      }
      appendFileSync(file, chunk);
      size += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
    } catch {
      // Nowhere else to say it (the folder may not exist yet: the service makes it next).
      size = undefined;
    }
  };
}

/** Sends process.stdout, process.stderr and the console to the log; returns a function that writes to the log with a timestamp. */
export function redirectOutputToLog(dir: string): (line: string) => void {
  const append = createLogFile(dir);
  const write = (chunk: unknown): boolean => {
    append(typeof chunk === "string" || chunk instanceof Uint8Array ? chunk : String(chunk));
    return true;
  };
  process.stdout.write = write as typeof process.stdout.write;
  process.stderr.write = write as typeof process.stderr.write;
  // Bun's console writes to the file descriptors directly, past process.stdout.
  const line = (...parts: unknown[]) => write(`${format(...parts)}\n`);
  console.log = console.info = console.warn = console.error = line;
  return (text) => write(`${new Date().toISOString()} ${text}\n`);
}
