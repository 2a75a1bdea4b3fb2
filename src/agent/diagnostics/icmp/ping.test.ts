import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type PingResult, ping } from "./ping.ts";

const RUN = join(import.meta.dir, "testdata", "run-icmp.ts");
const RANGE_FILE = "/proc/sys/net/ipv4/ping_group_range";
const isRoot = process.getuid?.() === 0;
const hasSetpriv = spawnSync("setpriv", ["--version"]).status === 0 && spawnSync("unshare", ["--version"]).status === 0;

describe.skipIf(!isRoot)("ping over a raw socket (root)", () => {
  for (const host of ["127.0.0.1", "127.5.5.5", "::1"]) {
    test(`${host} answers every request`, async () => {
      const result = await ping(host, { count: 3, intervalMs: 50 });
      expect(result.error).toBeUndefined();
      expect(result.mode).toBe("raw");
      expect(result.address).toBe(host);
      expect([result.sent, result.received, result.lossPercent]).toEqual([3, 3, 0]);
      expect(result.replies.map((r) => r.seq)).toEqual([1, 2, 3]);
      const { min, avg, max } = result.rttMs!;
      expect(min).toBeGreaterThan(0);
      expect(min).toBeLessThanOrEqual(avg);
      expect(avg).toBeLessThanOrEqual(max);
      expect(max).toBeLessThan(50); // loopback; generous for a loaded CI machine
      for (const r of result.replies) expect(r.ttl).toBe(64);
    });
  }

  test("sends count requests intervalMs apart without holding the event loop", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = performance.now();
    const result = await ping("127.0.0.1", { count: 5, intervalMs: 100 });
    const elapsed = performance.now() - started;
    clearInterval(timer);
    expect([result.sent, result.received]).toEqual([5, 5]);
    expect(elapsed).toBeGreaterThanOrEqual(400); // four gaps of 100 ms
    expect(elapsed).toBeLessThan(1000);
    expect(ticks).toBeGreaterThan(25); // a 10 ms timer kept running throughout
  });

  test("dgram mode works when ping_group_range includes our group, and the range is restored", async () => {
    const before = readFileSync(RANGE_FILE, "utf8");
    try {
      writeFileSync(RANGE_FILE, "0 0");
      for (const host of ["127.0.0.1", "::1"]) {
        const result = await ping(host, { count: 2, intervalMs: 20, mode: "dgram" });
        expect(result.error).toBeUndefined();
        expect(result.mode).toBe("dgram");
        expect([result.sent, result.received]).toEqual([2, 2]);
        expect(result.replies.map((r) => r.ttl)).toEqual([64, 64]);
      }
    } finally {
      writeFileSync(RANGE_FILE, before);
    }
    expect(readFileSync(RANGE_FILE, "utf8")).toBe(before);
  });
});

test("rejects nonsense options before touching the network", async () => {
  expect((await ping("127.0.0.1", { count: 0 })).error).toContain("count");
  expect((await ping("127.0.0.1", { intervalMs: 1 })).error).toContain("intervalMs");
  expect((await ping("127.0.0.1", { ttl: 256 })).error).toContain("ttl");
});

/** Runs run-icmp.ts in a private network namespace after `setup` (shell) has run there. */
function inPrivateNetns(setup: string[], argv: string): PingResult {
  const script = ["ip link set lo up", ...setup, `exec ${argv}`].join(" && ");
  const r = spawnSync("unshare", ["--net", "sh", "-c", script, process.execPath, RUN], { encoding: "utf8", timeout: 30_000 });
  if (r.status !== 0) throw new Error(`child exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe.skipIf(!isRoot || !hasSetpriv)("ping in a private network namespace", () => {
  test("counts every unanswered request as lost", () => {
    const result = inPrivateNetns(
      ["sysctl -qw net.ipv4.icmp_echo_ignore_all=1"],
      `"$0" "$1" ping 127.0.0.1 '{"count":3,"intervalMs":20,"timeoutMs":200}'`,
    );
    expect(result.error).toBeUndefined();
    expect([result.sent, result.received, result.lossPercent]).toEqual([3, 0, 100]);
    expect(result.rttMs).toBeUndefined();
  });
});

/**
 * Runs the ping as user nobody in a private network namespace (so the
 * host's ping_group_range is never changed) with the given range.
 */
function pingAsNobody(range: string): PingResult {
  return inPrivateNetns(
    [`sysctl -qw net.ipv4.ping_group_range="${range}"`],
    `setpriv --reuid=nobody --regid=nogroup --clear-groups "$0" "$1" ping 127.0.0.1 '{"count":2,"intervalMs":20}'`,
  );
}

describe.skipIf(!isRoot || !hasSetpriv)("ping as an unprivileged user", () => {
  test("says what to do when neither raw nor ping sockets are permitted", () => {
    const result = pingAsNobody("1 0");
    expect(result.received).toBe(0);
    expect(result.mode).toBeUndefined();
    expect(result.error).toStartWith("ICMP not permitted");
    expect(result.error).toContain("CAP_NET_RAW");
    expect(result.error).toContain("net.ipv4.ping_group_range");
    expect(result.error).toContain('now "1 0"');
  });

  test("falls back to the ping socket when the group range allows it", () => {
    const result = pingAsNobody("0 2147483647");
    expect(result.error).toBeUndefined();
    expect(result.mode).toBe("dgram");
    expect(result.received).toBe(2);
  });
});
