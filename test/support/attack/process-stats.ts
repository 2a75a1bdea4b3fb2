/**
 * What a process holds, read from /proc (Linux), for the tests and the
 * bench that attack the hub: its memory now and at its peak, and its open
 * sockets.
 */
import { readFileSync, readdirSync, readlinkSync } from "node:fs";

function statusField(pid: number, field: string): number {
  const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Resident memory now, in MB (VmRSS). */
export const rssMb = (pid: number): number => statusField(pid, "VmRSS");

/** The highest resident memory since the process started, in MB (VmHWM). */
export const peakRssMb = (pid: number): number => statusField(pid, "VmHWM");

/** Open file descriptors that are sockets. */
export function openSockets(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:");
    } catch {
      return false;
    }
  }).length;
}
