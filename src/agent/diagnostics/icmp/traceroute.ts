/**
 * traceroute with ICMP echo probes of rising TTL: each router on the way
 * answers "time exceeded" quoting our probe, the destination answers the
 * echo. Probes go one at a time, so a hop's answers cannot be confused with
 * the next hop's, and the sequence number in the quoted probe rules out
 * late answers to earlier probes.
 *
 * Like {@link ping}, failures come back as a result with `error`.
 */
import { buildEchoRequest } from "./icmp-packet.ts";
import { type IcmpMode, openIcmpSocket } from "./icmp-socket.ts";
import { resolveTarget } from "./resolve-target.ts";
import { roundMs } from "../../../common/duration.ts";

/** Options for {@link traceroute}. */
export interface TraceOptions {
  /** Highest TTL to try (1-64, default 30). */
  maxHops?: number;
  /** Probes per TTL (1-10, default 3). */
  probesPerHop?: number;
  /** How long to wait for each probe's answer in ms (default 1000). */
  timeoutMs?: number;
  /** Socket kind (default "auto": raw when permitted, else the ping socket). */
  mode?: IcmpMode;
}

/** What came back for one TTL. */
export interface TraceHop {
  ttl: number;
  /** Who answered (the first responder, if several did); absent when nothing did ("*"). */
  address?: string;
  /** Round trip of each answered probe. */
  rttMs: number[];
  /** Set when the hop answered "destination unreachable" (with the ICMP code), which ends the trace. */
  unreachableCode?: number;
}

/** The outcome of {@link traceroute}. */
export interface TraceResult {
  host: string;
  address?: string;
  mode?: "raw" | "dgram";
  hops: TraceHop[];
  /** Whether the destination itself answered. */
  reached: boolean;
  error?: string;
}

/** Traces the route to `host`. */
export async function traceroute(host: string, opts: TraceOptions = {}): Promise<TraceResult> {
  const maxHops = opts.maxHops ?? 30;
  const probesPerHop = opts.probesPerHop ?? 3;
  const timeoutMs = opts.timeoutMs ?? 1000;
  const result: TraceResult = { host, hops: [], reached: false };
  if (!Number.isInteger(maxHops) || maxHops < 1 || maxHops > 64) return { ...result, error: `maxHops must be an integer from 1 to 64, not ${maxHops}` };
  if (!Number.isInteger(probesPerHop) || probesPerHop < 1 || probesPerHop > 10) {
    return { ...result, error: `probesPerHop must be an integer from 1 to 10, not ${probesPerHop}` };
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) return { ...result, error: `timeoutMs must be positive, not ${timeoutMs}` };
  const target = await resolveTarget(host);
  if (target.error !== undefined) return { ...result, error: target.error };
  result.address = target.address;
  const opened = openIcmpSocket(target.family, opts.mode ?? "auto");
  if (!opened.socket) return { ...result, error: opened.error };
  const socket = opened.socket;
  result.mode = socket.mode;
  const id = Math.floor(Math.random() * 0x10000);
  let seq = 0;
  try {
    for (let ttl = 1; ttl <= maxHops && !result.reached; ttl++) {
      const hop: TraceHop = { ttl, rttMs: [] };
      result.hops.push(hop);
      for (let probe = 0; probe < probesPerHop; probe++) {
        seq = (seq + 1) & 0xffff;
        const failure = socket.send(buildEchoRequest(target.family, id, seq), target.address, ttl);
        if (failure) {
          result.error = failure;
          return result;
        }
        const sentAt = performance.now();
        const until = sentAt + timeoutMs;
        while (performance.now() < until) {
          const got = await socket.receive(until - performance.now());
          if (!got) break;
          const m = got.message;
          if (m.seq !== seq || (socket.mode === "raw" && m.id !== id)) continue;
          if (m.kind === "echo-reply" && got.from !== target.address) continue;
          hop.address ??= got.from;
          hop.rttMs.push(roundMs(got.at - sentAt));
          if (m.kind === "echo-reply") result.reached = true;
          if (m.kind === "unreachable") hop.unreachableCode = m.code;
          break;
        }
      }
      if (hop.unreachableCode !== undefined) break;
    }
  } finally {
    socket.close();
  }
  return result;
}
