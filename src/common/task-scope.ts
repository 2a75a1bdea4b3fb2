/**
 * Where a task may reach: only addresses inside the site's configured scan
 * targets (and not excluded), or devices the site already knows. A hub admin
 * (or a stolen admin account) cannot turn the agent into a probe of anything
 * else on the customer's network. The hub checks when the task is created,
 * the agent again before it runs it: both use this one function.
 */
import type { Task } from "../gen/dca/v1/agent_service_pb.ts";
import { parseEndpoint } from "./endpoint.ts";
import { type RangeSpec, TargetError, type TargetSpec, parseTargetSpec } from "./target-spec.ts";
import { taskTargets } from "./task-targets.ts";

export interface TaskScope {
  /** The site's scan targets and exclusions, as configured. */
  targets: readonly string[];
  exclude: readonly string[];
  /** Addresses of devices the site knows ("10.0.0.7", "10.0.0.7:1161", a host name). */
  known: readonly string[];
}

export type ScopeVerdict = { ok: true } | { ok: false; reason: string };

const parse = (raw: string): TargetSpec | undefined => {
  try {
    return parseTargetSpec(raw);
  } catch {
    return undefined;
  }
};
const nameKey = (n: string) => n.toLowerCase().replace(/\.$/, "");
const contains = (outer: RangeSpec, inner: RangeSpec) => outer.family === inner.family && outer.start <= inner.start && inner.end <= outer.end;
const overlaps = (a: RangeSpec, b: RangeSpec) => a.family === b.family && a.start <= b.end && b.start <= a.end;
const shown = (s: string) => JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}...` : s);

/** The host part of a device address, as a key that ignores the port and spelling. */
function hostKey(spec: TargetSpec): string | undefined {
  if (spec.kind === "name") return `name:${nameKey(spec.name)}`;
  if (spec.start !== spec.end || spec.subnet) return undefined;
  return `ip:${spec.family}:${spec.start}`;
}

/**
 * Whether a task may touch `target`: one address or host name (with an optional
 * port), or, for a scan, a range. A range must lie wholly inside one configured
 * target (the scan skips the site's exclusions); a single address must be inside
 * a target and not excluded, or be a known device.
 */
export function checkTaskTarget(target: string, scope: TaskScope): ScopeVerdict {
  let spec: TargetSpec;
  try {
    spec = parseTargetSpec(target);
  } catch (e) {
    return { ok: false, reason: e instanceof TargetError ? e.message : `bad address ${shown(target)}` };
  }
  const key = hostKey(spec);
  if (key !== undefined) {
    for (const k of scope.known) {
      const s = parse(k);
      if (s && hostKey(s) === key) return { ok: true };
    }
  }
  const refuse = `${shown(target)} is outside this site's targets and not one of its known devices; add it to the site's targets first (dca-hub site set-targets)`;
  if (spec.kind === "name") {
    const wanted = nameKey(spec.name);
    const listed = scope.targets.some((t) => {
      const s = parse(t);
      return s?.kind === "name" && nameKey(s.name) === wanted;
    });
    return listed ? { ok: true } : { ok: false, reason: refuse };
  }
  // A range may cross an exclusion (discovery skips excluded addresses); one address may not.
  for (const x of key === undefined ? [] : scope.exclude) {
    const s = parse(x);
    if (s?.kind === "range" && overlaps(s, spec)) return { ok: false, reason: `${shown(target)} is excluded by the site's exclusion ${shown(x)}` };
  }
  const inside = scope.targets.some((t) => {
    const s = parse(t);
    return s?.kind === "range" && contains(s, spec);
  });
  return inside ? { ok: true } : { ok: false, reason: refuse };
}

/**
 * Whether a whole task may run: it has a kind this build knows, each of its
 * targets is one device address where its kind needs one, and each lies in
 * the site's scope (checkTaskTarget). The hub runs this when a task is
 * created, the agent before it runs it.
 */
export function checkTaskScope(task: Task, scope: TaskScope): ScopeVerdict {
  const aimed = taskTargets(task);
  if (!aimed) return { ok: false, reason: "a task of a kind this build does not know" };
  for (const target of aimed.targets) {
    if (aimed.single) {
      try {
        parseEndpoint(target, 161);
      } catch {
        return { ok: false, reason: `${shown(target)} is not one device address` };
      }
    }
    const verdict = checkTaskTarget(target, scope);
    if (!verdict.ok) return verdict;
  }
  return { ok: true };
}
