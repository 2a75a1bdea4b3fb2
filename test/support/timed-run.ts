/**
 * Runs a command under /usr/bin/time, timing each line of its output as it
 * arrives: what the hostile-printer test and bench need to see that honest
 * readings come out while hostile reads still run, and the peak RSS.
 */
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./shared-dir.ts";

/** What one timed run did. */
export interface TimedRun {
  /** null when killed at `killAfterMs`. */
  exitCode: number | null;
  stderr: string;
  /** Each stdout line with the milliseconds since the start at which it arrived. */
  lines: { atMs: number; text: string }[];
  wallMs: number;
  /** Peak resident set size of the command, from /usr/bin/time (NaN when killed). */
  maxRssMb: number;
  killed: boolean;
}

/** Runs `cmd` in the repo root with `env` added; kills it after `killAfterMs`. */
export async function timedRun(cmd: string[], env: Record<string, string> = {}, killAfterMs = 120_000): Promise<TimedRun> {
  const rss = join(tmpdir(), `dca-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const t0 = performance.now();
  const proc = Bun.spawn({
    // A session of its own, so that a kill ends time and the command together (by the group's id).
    cmd: ["setsid", "/usr/bin/time", "-f", "%M", "-o", rss, ...cmd],
    cwd: repoRoot,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, ...env },
  });
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    try {
      process.kill(-proc.pid, "SIGKILL");
    } catch {
      proc.kill("SIGKILL");
    }
  }, killAfterMs);
  const lines: TimedRun["lines"] = [];
  const readLines = (async () => {
    let buf = "";
    const dec = new TextDecoder();
    for await (const chunk of proc.stdout) {
      buf += dec.decode(chunk, { stream: true });
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        lines.push({ atMs: performance.now() - t0, text: buf.slice(0, i) });
        buf = buf.slice(i + 1);
      }
    }
  })();
  const [stderr, exitCode] = await Promise.all([new Response(proc.stderr).text(), proc.exited, readLines]);
  clearTimeout(timer);
  const wallMs = performance.now() - t0;
  let maxRssMb = Number.NaN;
  try {
    maxRssMb = Number(readFileSync(rss, "utf8").trim().split("\n").pop()) / 1024;
    rmSync(rss, { force: true });
  } catch {
    // killed before time wrote it
  }
  return { exitCode: killed ? null : exitCode, stderr, lines, wallMs, maxRssMb, killed };
}
