/**
 * ping: ICMP echo from inside the agent, with RTT min/avg/max and loss.
 *
 * A failure (not permitted, unknown host, unsupported platform) is a result
 * with `error`, never a throw, so a diagnostics task can report it as is.
 */
import { buildEchoRequest } from "./icmp-packet.ts";
import { type IcmpMode, openIcmpSocket } from "./icmp-socket.ts";
import { resolveTarget } from "./resolve-target.ts";
import { roundMs } from "../../../common/duration.ts";

/** Options for {@link ping}. */
export interface PingOptions {
  /** Echo requests to send (1-1000, default 4). */
  count?: number;
  /** Time between requests in ms (at least 10, default 1000). */
  intervalMs?: number;
  /** How long to wait for each reply in ms (default 1000). */
  timeoutMs?: number;
  /** TTL / hop limit of the requests (1-255; the system default when absent). */
  ttl?: number;
  /** Socket kind (default "auto": raw when permitted, else the ping socket). */
  mode?: IcmpMode;
}

/** One echo reply. */
export interface PingReply {
  seq: number;
  rttMs: number;
  /** TTL / hop limit the reply arrived with, when known. */
  ttl?: number;
}

/** The outcome of {@link ping}. */
export interface PingResult {
  host: string;
  /** The IP address pinged (after resolving `host`). */
  address?: string;
  /** The socket kind used; absent when none could be opened. */
  mode?: "raw" | "dgram";
  sent: number;
  received: number;
  lossPercent: number;
  rttMs?: { min: number; avg: number; max: number };
  /** Replies in order of arrival; duplicates are not counted. */
  replies: PingReply[];
  /** Why nothing (or not everything) could be sent: e.g. "ICMP not permitted: ... set ...". */
  error?: string;
}

/** Pings `host` and summarises the replies. */
export async function ping(host: string, opts: PingOptions = {}): Promise<PingResult> {
  const count = opts.count ?? 4;
  const intervalMs = opts.intervalMs ?? 1000;
  const timeoutMs = opts.timeoutMs ?? 1000;
  const result: PingResult = { host, sent: 0, received: 0, lossPercent: 100, replies: [] };
  const invalid = checkOptions(count, intervalMs, timeoutMs, opts.ttl);
  if (invalid) return { ...result, error: invalid };
  const target = await resolveTarget(host);
  if (target.error !== undefined) return { ...result, error: target.error };
  result.address = target.address;
  const opened = openIcmpSocket(target.family, opts.mode ?? "auto");
  if (!opened.socket) return { ...result, error: opened.error };
  const socket = opened.socket;
  result.mode = socket.mode;
  // Raw sockets see every echo reply on the host; a ping socket's id is set by the kernel.
  const id = Math.floor(Math.random() * 0x10000);
  const sentAt = new Map<number, number>();
  try {
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const seq = i + 1;
      const failure = socket.send(buildEchoRequest(target.family, id, seq), target.address, opts.ttl);
      if (failure) {
        result.error = failure;
        break;
      }
      sentAt.set(seq, performance.now());
      result.sent++;
      const last = i === count - 1;
      const until = last ? performance.now() + timeoutMs : start + (i + 1) * intervalMs;
      while (performance.now() < until && (!last || result.received < result.sent)) {
        const got = await socket.receive(until - performance.now());
        if (!got || got.message.kind !== "echo-reply" || got.from !== target.address) continue;
        if (socket.mode === "raw" && got.message.id !== id) continue;
        const sendTime = sentAt.get(got.message.seq);
        if (sendTime === undefined || got.at - sendTime > timeoutMs) continue;
        sentAt.delete(got.message.seq); // a duplicate of this seq no longer matches
        result.received++;
        result.replies.push({ seq: got.message.seq, rttMs: roundMs(got.at - sendTime), ttl: got.message.ttl });
      }
    }
  } finally {
    socket.close();
  }
  result.lossPercent = result.sent === 0 ? 100 : roundMs((100 * (result.sent - result.received)) / result.sent);
  if (result.replies.length > 0) {
    const rtts = result.replies.map((r) => r.rttMs);
    const sum = rtts.reduce((a, b) => a + b, 0);
    result.rttMs = { min: Math.min(...rtts), avg: roundMs(sum / rtts.length), max: Math.max(...rtts) };
  }
  return result;
}

function checkOptions(count: number, intervalMs: number, timeoutMs: number, ttl: number | undefined): string | undefined {
  if (!Number.isInteger(count) || count < 1 || count > 1000) return `count must be an integer from 1 to 1000, not ${count}`;
  if (!Number.isFinite(intervalMs) || intervalMs < 10) return `intervalMs must be at least 10, not ${intervalMs}`;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) return `timeoutMs must be positive, not ${timeoutMs}`;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1 || ttl > 255)) return `ttl must be an integer from 1 to 255, not ${ttl}`;
  return undefined;
}
