/**
 * A real `dca run` process whose log lines are timed as they arrive, and a
 * small registry of "task started" moments that a benchmark can wait on.
 * Times are performance.now() of the bench process, so they compare with
 * the moment it spawned `dca-hub task create`.
 */
import { agentCommand, agentEnv } from "../../support/service-peers.ts";
import { repoRoot } from "../../support/shared-dir.ts";

/** Task ids and when they were seen starting; waiters for ids not seen yet. */
export class Arrivals {
  private readonly seen = new Map<string, number>();
  private readonly waiting = new Map<string, (at: number) => void>();

  record(id: string, at: number): void {
    if (this.seen.has(id)) return;
    this.seen.set(id, at);
    this.waiting.get(id)?.(at);
  }

  /** When `id` was (or will be) recorded; rejects after `ms`. */
  wait(id: string, ms: number): Promise<number> {
    const at = this.seen.get(id);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`task ${id} did not start within ${ms} ms`));
      }, ms);
      this.waiting.set(id, (t) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(t);
      });
    });
  }
}

export interface WatchedAgent {
  started: Arrivals;
  finished: Arrivals;
  /** Resolves when a line matches `re` (lines seen before count too). */
  waitForLine(re: RegExp, ms: number): Promise<string>;
  log(): string;
  stop(): Promise<void>;
}

const STARTED = /task (tsk_[0-9a-z]+) \(.*\) started/;
const FINISHED = /task (tsk_[0-9a-z]+): /;

/** Starts `dca run --state DIR` (DCA_BIN picks a compiled binary, as in the tests). */
export function watchAgentProcess(stateDir: string): WatchedAgent {
  const proc = Bun.spawn({
    cmd: [...agentCommand(), "run", "--state", stateDir],
    cwd: repoRoot,
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
    env: { ...process.env, ...agentEnv(stateDir) },
  });
  const started = new Arrivals();
  const finished = new Arrivals();
  const lines: string[] = [];
  const lineWaiters = new Set<(line: string) => void>();
  void (async () => {
    const dec = new TextDecoder();
    let partial = "";
    for await (const chunk of proc.stderr) {
      const at = performance.now();
      partial += dec.decode(chunk, { stream: true });
      const parts = partial.split("\n");
      partial = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        const s = STARTED.exec(line);
        if (s) started.record(s[1]!, at);
        const f = FINISHED.exec(line);
        if (f) finished.record(f[1]!, at);
        for (const w of lineWaiters) w(line);
      }
    }
  })();
  return {
    started,
    finished,
    waitForLine(re, ms) {
      const old = lines.find((l) => re.test(l));
      if (old) return Promise.resolve(old);
      return new Promise((resolve, reject) => {
        const w = (line: string) => {
          if (!re.test(line)) return;
          lineWaiters.delete(w);
          clearTimeout(timer);
          resolve(line);
        };
        const timer = setTimeout(() => {
          lineWaiters.delete(w);
          reject(new Error(`the agent logged no ${re} within ${ms} ms:\n${lines.slice(-20).join("\n")}`));
        }, ms);
        lineWaiters.add(w);
      });
    },
    log: () => lines.join("\n"),
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}
