import { describe, expect, test } from "bun:test";
import { manualClock } from "../../../test/support/manual-clock.ts";
import { type ActivationGateLimits, createActivationGate } from "./activation-gate.ts";

const LIMITS: ActivationGateLimits = { perMinute: 10, gapBaseMs: 100, gapCapMs: 1_000, maxWaitMs: 20_000, maxWaiting: 64 };

/** Admits `address` and records when (or the refusal's message). */
function attempt(gate: ReturnType<typeof createActivationGate>, clock: ReturnType<typeof manualClock>, address: string, log: string[]) {
  return gate.admit(address).then(
    () => void log.push(`${address} admitted at ${clock.now() - START}`),
    (e: Error) => void log.push(`${address} refused: ${e.message}`),
  );
}
const START = Date.parse("2026-03-01T08:00:00Z");

describe("the activation budget over all addresses", () => {
  test("within the budget every attempt is checked at once", async () => {
    const clock = manualClock(START);
    const gate = createActivationGate(clock, LIMITS);
    const log: string[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => attempt(gate, clock, `127.0.0.${i + 1}`, log)));
    expect(log.every((l) => l.endsWith("admitted at 0"))).toBe(true);
  });

  test("beyond it: one attempt per gap (doubling to the cap), one waiting per address, an honest address gets through", async () => {
    const clock = manualClock(START);
    const gate = createActivationGate(clock, LIMITS);
    const log: string[] = [];
    const attackers = Array.from({ length: 20 }, (_, i) => `127.0.1.${i + 1}`);
    // The budget is spent at once; then every attacker keeps one attempt waiting.
    for (let i = 0; i < 10; i++) await attempt(gate, clock, attackers[i % 20]!, log);
    const pending = attackers.map((a) => attempt(gate, clock, a, log));
    // A second attempt from an address that already waits is refused unchecked.
    await attempt(gate, clock, attackers[19]!, log);
    expect(log.at(-1)).toBe("127.0.1.20 refused: the hub takes activations slowly now (an attempt from this address is already waiting); try again in 1 s");
    const honest = attempt(gate, clock, "127.0.2.1", log);
    for (let t = 0; t < 30_000 && !log.some((l) => l.startsWith("127.0.2.1 ")); t += 50) await clock.advance(50);
    await Promise.all([honest, ...pending]);
    const admitted = log.filter((l) => l.includes("admitted")).slice(10).map((l) => Number(l.split(" at ")[1]));
    // Gaps 100, 200, 400, 800, then 1 s each; the honest one after the 20 attackers queued before it.
    const gaps = admitted.slice(1).map((t, i) => t - admitted[i]!);
    expect(gaps.slice(0, 4)).toEqual([100, 200, 400, 800]);
    expect(gaps.slice(4).every((g) => g === 1_000)).toBe(true);
    const honestAt = Number(log.find((l) => l.startsWith("127.0.2.1 admitted"))!.split(" at ")[1]);
    expect(honestAt).toBeLessThanOrEqual(20_000);
    expect(admitted.length).toBe(21);
  });

  test("an attempt that waited too long is refused unchecked; a quiet minute later the budget is back", async () => {
    const clock = manualClock(START);
    const gate = createActivationGate(clock, { ...LIMITS, maxWaitMs: 2_000 });
    const log: string[] = [];
    for (let i = 0; i < 10; i++) await attempt(gate, clock, "127.0.0.1", log);
    const waiting = Array.from({ length: 8 }, (_, i) => attempt(gate, clock, `127.0.3.${i + 1}`, log));
    await clock.advance(3_000);
    await Promise.all(waiting);
    // Let through at 0, 0.1, 0.3, 0.7 and 1.5 s; the 6th would go at 2.5 s, past its 2 s wait.
    expect(log.filter((l) => l.startsWith("127.0.3.") && l.includes("admitted")).map((l) => l.split(" at ")[1])).toEqual(["0", "100", "300", "700", "1500"]);
    const refused = log.filter((l) => l.includes("refused"));
    expect(refused).toHaveLength(3);
    expect(refused.every((l) => l.includes("too many attempts are waiting"))).toBe(true);
    await clock.advance(60_000);
    await attempt(gate, clock, "127.0.0.9", log);
    expect(log.at(-1)).toBe(`127.0.0.9 admitted at ${clock.now() - START}`);
  });

  test("closing refuses every waiting attempt and any later one, and leaves no timer behind", async () => {
    const clock = manualClock(START);
    const gate = createActivationGate(clock, LIMITS);
    const log: string[] = [];
    for (let i = 0; i < 10; i++) await attempt(gate, clock, "127.0.0.1", log);
    const waiting = Array.from({ length: 5 }, (_, i) => attempt(gate, clock, `127.0.4.${i + 1}`, log));
    await clock.advance(150);
    expect(clock.pendingTimers()).toBe(1);
    gate.close();
    await Promise.all(waiting);
    expect(clock.pendingTimers()).toBe(0);
    const refused = log.filter((l) => l.startsWith("127.0.4.") && l.includes("refused"));
    // The first two were let through at 0 and 0.1 s; the other three are told the hub stops.
    expect(refused).toHaveLength(3);
    expect(refused.every((l) => l.endsWith("the hub is shutting down; try again in a minute"))).toBe(true);
    await attempt(gate, clock, "127.0.0.2", log);
    expect(log.at(-1)).toBe("127.0.0.2 refused: the hub is shutting down; try again in a minute");
  });
});
