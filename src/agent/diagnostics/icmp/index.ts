/**
 * ICMP diagnostics from inside the agent: ping and traceroute over raw or
 * unprivileged ping sockets (Linux, via bun:ffi), never by running `ping`.
 */
export { ping, type PingOptions, type PingReply, type PingResult } from "./ping.ts";
export { traceroute, type TraceHop, type TraceOptions, type TraceResult } from "./traceroute.ts";
export type { IcmpMode } from "./icmp-socket.ts";
