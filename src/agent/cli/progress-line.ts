/**
 * The scan's progress line on stderr: redrawn in place when stderr is a
 * terminal, absent otherwise, and cleared before any other output so that
 * lines never interleave.
 */
import type { SweepProgress } from "../discovery/prober.ts";

export interface ProgressLine {
  /** Writes output (stdout by default) without tearing the progress line. */
  write(text: string, to?: NodeJS.WriteStream): void;
  /** A message line on stderr. */
  log(message: string): void;
  stop(): void;
}

type Snapshot = SweepProgress & { found: number; read: number };

const fmtTime = (ms: number) => (ms >= 60_000 ? `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s` : `${Math.ceil(ms / 1000)}s`);

export function createProgressLine(err: NodeJS.WriteStream, snapshot: () => Snapshot, intervalMs = 200): ProgressLine {
  const tty = err.isTTY === true;
  let shown = false;
  const clear = () => {
    if (shown) err.write("\r\x1b[2K");
    shown = false;
  };
  const draw = () => {
    const s = snapshot();
    const total = s.total !== undefined ? `/${s.total}` : "";
    const eta = s.etaMs !== undefined ? `, ETA ${fmtTime(s.etaMs)}` : "";
    err.write(`\r\x1b[2Kprobed ${s.probed}${total}, found ${s.found}, read ${s.read}, ${Math.round(s.rate)} addr/s${eta}`);
    shown = true;
  };
  const timer = tty ? setInterval(draw, intervalMs) : undefined;
  return {
    write(text, to = process.stdout) {
      clear();
      to.write(text);
    },
    log(message) {
      clear();
      err.write(`${message}\n`);
    },
    stop() {
      if (timer) clearInterval(timer);
      clear();
    },
  };
}
