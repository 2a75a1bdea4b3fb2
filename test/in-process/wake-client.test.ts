/**
 * The wake-up client against the hub's real broker (aedes with the hub's
 * login rules, MQTT over TLS on loopback): it connects with the first URL
 * that works, turns a flood of nudges into at most one wake a second, says
 * when the broker is lost, and comes back when it returns, asking for a poll
 * at once on each connection (nudges sent meanwhile were lost).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { wakeTopic } from "../../src/common/wake-topic.ts";
import { freeTcpPort } from "../support/free-port.ts";
import { type BrokerFixture, startBrokerFixture, waitFor } from "./broker-fixture.ts";

let f: BrokerFixture;
beforeAll(async () => {
  f = await startBrokerFixture();
});
afterAll(() => f.close());

describe("wake client", () => {
  test("skips a dead URL, then a flood of nudges wakes at most once a second", async () => {
    const lines: string[] = [];
    let wakes = 0;
    const dead = await freeTcpPort();
    const c = f.client([`wss://127.0.0.1:${dead}/mqtt`, `mqtts://127.0.0.1:${f.port}`], lines, () => wakes++);
    try {
      await waitFor(() => lines.some((l) => l.startsWith("wake-ups: connected")), 5_000, "connected");
      expect(lines).toEqual([`wake-ups: connected to mqtts://127.0.0.1:${f.port}`]);
      const started = Date.now();
      for (let i = 0; i < 300; i++) {
        await f.broker!.publish(wakeTopic(f.agent.id), Buffer.from('{"task":"tsk_forged"}'));
        await Bun.sleep(10);
      }
      const seconds = (Date.now() - started) / 1000;
      await Bun.sleep(1_100); // the trailing wake
      console.log(`300 nudges in ${seconds.toFixed(1)} s woke the agent ${wakes} times`);
      expect(wakes).toBeGreaterThanOrEqual(Math.floor(seconds));
      expect(wakes).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    } finally {
      await c.close();
    }
    expect(lines.join("\n")).not.toContain(f.agent.secret);
  });

  test("a lost broker is said once with the poll interval, retried with backoff, and found again; each connection wakes the agent", async () => {
    const lines: string[] = [];
    let wakes = 0;
    const c = f.client([`mqtts://127.0.0.1:${f.port}`], lines, () => wakes++);
    try {
      await waitFor(() => lines.length === 1 && wakes === 1, 5_000, "connected, and a poll at once");
      await f.broker!.close();
      f.broker = undefined;
      await waitFor(() => lines.length >= 3, 5_000, "lost and a failed retry");
      expect(lines[1]).toMatch(/^wake-ups: lost \(.+\); polling every 300 s still works, retrying in \d+ s$/);
      expect(lines[2]).toMatch(/^wake-ups: still unavailable \(.*mqtts:\/\/127\.0\.0\.1:\d+: .+\); polling every 300 s still works, retrying in \d+ s$/);
      await f.startBroker();
      await waitFor(() => lines.at(-1)!.startsWith("wake-ups: connected"), 5_000, "connected again");
      // No nudge: the connection itself asks for a poll (a task created while the line was down).
      await waitFor(() => wakes === 2, 1_000, "a wake on reconnecting");
      await f.broker!.publish(wakeTopic(f.agent.id), Buffer.from("{}"));
      await waitFor(() => wakes === 3, 2_000, "a wake after reconnecting");
    } finally {
      await c.close();
    }
    expect(lines.join("\n")).not.toContain(f.agent.secret);
  });

  test("a wrong secret is retried, not fatal, and never logged", async () => {
    const lines: string[] = [];
    const c = f.client([`mqtts://127.0.0.1:${f.port}`], lines, () => {}, { secret: "not-the-secret-of-this-agent" });
    await waitFor(() => lines.length >= 2, 5_000, "two refusals");
    await c.close();
    expect(lines[0]).toContain("refused the user name or password");
    expect(lines.join("\n")).not.toContain("not-the-secret-of-this-agent");
  });
});
