/**
 * What the upload benchmark measures and how a row of its table is
 * printed: readings per second, and CPU per reading on each side (from
 * /proc, so a child process counts with all its threads).
 */
import { readFileSync } from "node:fs";

/** One drain: readings moved, wall time, CPU of the agent side and of the hub process. */
export interface Rate {
  readings: number;
  ms: number;
  agentCpuMs: number;
  hubCpuMs: number;
}

// USER_HZ is 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)).
const TICK_MS = 10;

/** User + system CPU of a process so far, in ms (Linux /proc; 10 ms resolution). */
export function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may hold spaces.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** "| label | 2,345 (2,100-2,500) | 310 | 420 |": readings/s with its range, then CPU µs per reading. */
export function rateRow(label: string, runs: Rate[]): string {
  const perS = runs.map((r) => (r.readings / r.ms) * 1000);
  const agent = median(runs.map((r) => (r.agentCpuMs * 1000) / r.readings));
  const hub = median(runs.map((r) => (r.hubCpuMs * 1000) / r.readings));
  return `| ${label} | ${fmt(median(perS))} (${fmt(Math.min(...perS))}-${fmt(Math.max(...perS))}) | ${fmt(agent)} | ${fmt(hub)} |`;
}
