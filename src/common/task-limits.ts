/**
 * The bounds of a task's settings, the same on both sides: the hub refuses
 * a task outside them when it is created (so nobody is surprised by a
 * quietly clamped one), and the agent applies them to whatever it is sent
 * (an older hub may not have checked). 0 in a task's field means the default.
 */

/** A setting's default and its inclusive bounds. */
export interface TaskSetting {
  default: number;
  min: number;
  max: number;
}

/** Ping: echo requests, the wait for the last reply, the gap between requests. */
export const PING_LIMITS = {
  count: { default: 4, min: 1, max: 100 },
  timeoutMs: { default: 1000, min: 50, max: 10_000 },
  intervalMs: { default: 1000, min: 10, max: 10_000 },
} as const satisfies Record<string, TaskSetting>;

/** Traceroute: hops, the wait per probe, probes per hop. */
export const TRACEROUTE_LIMITS = {
  maxHops: { default: 30, min: 1, max: 64 },
  timeoutMs: { default: 1000, min: 50, max: 10_000 },
  probesPerHop: { default: 3, min: 1, max: 10 },
} as const satisfies Record<string, TaskSetting>;

/** A web probe's ports when the task names none. */
export const DEFAULT_WEB_PORTS: readonly number[] = [80, 443, 8000];
/** Ports always tried with TLS; a task's tls_ports add to them. */
export const TLS_WEB_PORTS: readonly number[] = [443, 8443];
/** Ports one web probe tries at most. */
export const MAX_WEB_PORTS = 16;

/** The value the agent uses for a task's field: 0 is the default, anything else is held within the bounds. */
export function effectiveSetting(value: number, s: TaskSetting): number {
  return value > 0 ? Math.min(s.max, Math.max(s.min, value)) : s.default;
}

/**
 * The most a Zebra send task may carry as the hub takes it: under the agent's 1 MiB, so that
 * the task fits in one AdminService request (at most 1 MiB with its envelope).
 */
export const ZEBRA_SEND_MAX_BYTES = 1000 * 1024;

/** A Zebra SGD variable's name ("device.friendly_name"). */
export const SGD_NAME = /^[A-Za-z0-9_.]{1,128}$/;
