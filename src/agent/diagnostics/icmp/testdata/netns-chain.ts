/**
 * A chain of network namespaces for traceroute tests, built with `ip netns`:
 *
 *   a 10.250.1.1 ── 10.250.1.2 r1 10.250.2.1 ── 10.250.2.2 r2 10.250.3.1 ── 10.250.3.2 d
 *
 * Everything lives inside namespaces this creates (names carry the pid, so
 * parallel runs do not collide); the host's own interfaces are never touched.
 * Needs root; `createNetnsChain` returns the reason when it cannot be built.
 */
import { spawnSync } from "node:child_process";

/** A built chain: namespace names, the addresses traceroute should see, and removal. */
export interface NetnsChain {
  source: string;
  destination: string;
  /** Router addresses facing the source, in order, then the destination. */
  hops: string[];
  /** Runs `argv` inside the source namespace. */
  exec(argv: string[], timeoutMs?: number): { status: number | null; stdout: string; stderr: string };
  remove(): void;
}

function ip(args: string[]): string | undefined {
  const r = spawnSync("ip", args, { encoding: "utf8", timeout: 10_000 });
  if (r.error) return `ip ${args.join(" ")}: ${r.error.message}`;
  return r.status === 0 ? undefined : `ip ${args.join(" ")}: ${r.stderr.trim()}`;
}

/** Builds the chain, or returns why it could not be built (after removing what was made). */
export function createNetnsChain(): NetnsChain | string {
  const tag = `dca-tr-${process.pid}`;
  const [a, r1, r2, d] = ["a", "r1", "r2", "d"].map((n) => `${tag}-${n}`);
  const made: string[] = [];
  const remove = () => {
    for (const ns of made) ip(["netns", "del", ns]);
    made.length = 0;
  };
  const steps: string[][] = [];
  for (const ns of [a, r1, r2, d]) steps.push(["netns", "add", ns], ["-n", ns, "link", "set", "lo", "up"]);
  const link = (left: string, leftIf: string, leftAddr: string, right: string, rightIf: string, rightAddr: string) => {
    steps.push(
      ["-n", left, "link", "add", leftIf, "type", "veth", "peer", "name", rightIf, "netns", right],
      ["-n", left, "addr", "add", leftAddr, "dev", leftIf],
      ["-n", right, "addr", "add", rightAddr, "dev", rightIf],
      ["-n", left, "link", "set", leftIf, "up"],
      ["-n", right, "link", "set", rightIf, "up"],
    );
  };
  link(a, "to-r1", "10.250.1.1/24", r1, "to-a", "10.250.1.2/24");
  link(r1, "to-r2", "10.250.2.1/24", r2, "to-r1", "10.250.2.2/24");
  link(r2, "to-d", "10.250.3.1/24", d, "to-r2", "10.250.3.2/24");
  steps.push(
    ["-n", a, "route", "add", "default", "via", "10.250.1.2"],
    ["-n", r1, "route", "add", "10.250.3.0/24", "via", "10.250.2.2"],
    ["-n", r2, "route", "add", "10.250.1.0/24", "via", "10.250.2.1"],
    ["-n", d, "route", "add", "default", "via", "10.250.3.1"],
  );
  for (const step of steps) {
    const failure = ip(step);
    if (step[0] === "netns" && step[1] === "add" && !failure) made.push(step[2]);
    if (failure) {
      remove();
      return failure;
    }
  }
  for (const ns of [r1, r2]) {
    const r = spawnSync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=1"], { encoding: "utf8" });
    if (r.status !== 0) {
      remove();
      return `enabling forwarding in ${ns}: ${r.stderr.trim() || r.error?.message}`;
    }
  }
  return {
    source: a,
    destination: "10.250.3.2",
    hops: ["10.250.1.2", "10.250.2.2", "10.250.3.2"],
    exec(argv, timeoutMs = 60_000) {
      const r = spawnSync("ip", ["netns", "exec", a, ...argv], { encoding: "utf8", timeout: timeoutMs });
      return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? r.error?.message ?? "" };
    },
    remove,
  };
}
