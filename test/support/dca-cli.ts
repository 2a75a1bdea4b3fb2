/**
 * Runs `dca read` the way an operator does, as a separate process. `DCA_BIN` picks the
 * build under test: unset means the sources (`bun src/agent/main.ts`, the same as
 * `npx bun src/agent/main.ts`); `DCA_BIN=build/out/dca` means the compiled binary. Any
 * command line works (`DCA_BIN="npx bun src/agent/main.ts"`); it runs in the repo root.
 */
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { type ReadingJson, parseReadingJson } from "./reading-json.ts";
import { repoRoot } from "./shared-dir.ts";

/** What `dca read` exits with, its reading printed, when the device is not a printer (README, exit codes). */
const NOT_A_PRINTER_EXIT = 3;

/** The command prefix for `dca` and a label for logs. */
export function dcaCommand(): { argv: string[]; label: string } {
  const configured = process.env.DCA_BIN?.trim();
  if (!configured) return { argv: [process.execPath, "src/agent/main.ts"], label: "bun src/agent/main.ts" };
  return { argv: configured.split(/\s+/), label: configured };
}

/** Why `dca` cannot be started yet (for example the CLI is not written), or undefined. */
export function dcaMissingReason(): string | undefined {
  const { argv, label } = dcaCommand();
  const paths = argv.filter((a) => a.includes("/") || a.endsWith(".ts"));
  for (const p of paths) {
    const full = isAbsolute(p) ? p : join(repoRoot, p);
    if (!existsSync(full)) return `${label}: ${p} does not exist (yet)`;
  }
  return undefined;
}

export interface DcaReadOptions {
  communities: readonly string[];
  /** Per-request timeout and retries passed to the CLI. */
  timeout?: string;
  retries?: number;
  extraArgs?: readonly string[];
  /** Kill the process after this long. */
  killAfterMs?: number;
}

/** What one `dca read --json` did; `reading` is set only when stdout was a valid DeviceReading. */
export interface DcaRun {
  command: string;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  reading?: ReadingJson;
  /** The device answered but is not a printer: `dca read` printed its reading and exited 3. */
  notAPrinter?: boolean;
  /** Why there is no reading: spawn failure, non-zero exit, timeout, bad JSON. */
  error?: string;
}

/** Runs `dca read <target> --community a,b --json` and parses its output. */
export async function runDcaRead(target: string, options: DcaReadOptions): Promise<DcaRun> {
  const { argv } = dcaCommand();
  const args = [
    "read",
    target,
    "--community",
    options.communities.join(","),
    "--timeout",
    options.timeout ?? "2s",
    "--retries",
    String(options.retries ?? 1),
    ...(options.extraArgs ?? []),
    "--json",
  ];
  const cmd = [...argv, ...args];
  const command = cmd.join(" ");
  const missing = dcaMissingReason();
  if (missing) return { command, exitCode: null, stdout: "", stderr: "", durationMs: 0, error: missing };
  const started = Date.now();
  const proc = Bun.spawn({
    cmd,
    cwd: repoRoot,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    timeout: options.killAfterMs ?? 45_000,
    env: { ...process.env, NO_COLOR: "1" },
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  const run: DcaRun = { command, exitCode, stdout, stderr, durationMs: Date.now() - started };
  if (proc.signalCode) {
    run.error = `killed by ${proc.signalCode} after ${run.durationMs} ms`;
  } else if (exitCode !== 0 && exitCode !== NOT_A_PRINTER_EXIT) {
    run.error = `exit ${exitCode}: ${firstLines(stderr || stdout)}`;
  } else {
    if (exitCode === NOT_A_PRINTER_EXIT) run.notAPrinter = true;
    try {
      run.reading = parseReadingJson(stdout);
    } catch (e) {
      run.error = `output is not a DeviceReading: ${(e as Error).message}`;
    }
  }
  return run;
}

function firstLines(text: string): string {
  const lines = text.trim().split("\n").slice(0, 3).join(" | ");
  return lines.length > 300 ? `${lines.slice(0, 300)}…` : lines || "(no output)";
}
