/**
 * Where the Windows service's output goes. The SCM starts it without a
 * console, so everything the commands print (the `dca run` log lines, a
 * failure's one line) is appended to `dca.log` in the state folder instead,
 * which only SYSTEM and Administrators can read. Lines from `dca run` carry
 * their own timestamp; the service's own lines get one here. Kept to two files of at most
 * 5 MB: at start, a full log becomes `dca.log.1`.
 */
import { appendFileSync, existsSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import { format } from "node:util";

export const SERVICE_LOG_FILE = "dca.log";
const MAX_BYTES = 5 * 1024 * 1024;

/** Sends process.stdout and process.stderr to the log; returns a function that writes to the log with a timestamp. */
export function redirectOutputToLog(dir: string): (line: string) => void {
  const file = join(dir, SERVICE_LOG_FILE);
  try {
    if (existsSync(file) && statSync(file).size > MAX_BYTES) renameSync(file, `${file}.1`);
  } catch {
    // A log that cannot be rotated is appended to.
  }
  const append = (chunk: unknown): boolean => {
    try {
      appendFileSync(file, typeof chunk === "string" || chunk instanceof Uint8Array ? chunk : String(chunk));
    } catch {
      // Nowhere else to say it: the service keeps running without its log.
    }
    return true;
  };
  process.stdout.write = append as typeof process.stdout.write;
  process.stderr.write = append as typeof process.stderr.write;
  // Bun's console writes to the file descriptors directly, past process.stdout.
  const line = (...parts: unknown[]) => append(`${format(...parts)}\n`);
  console.log = console.info = console.warn = console.error = line;
  return (line) => append(`${new Date().toISOString()} ${line}\n`);
}
