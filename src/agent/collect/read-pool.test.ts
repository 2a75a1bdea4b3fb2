import { describe, expect, test } from "bun:test";
import { manualClock } from "../../../test/support/manual-clock.ts";
import { SLOW_READ_MS, createReadPool } from "./read-pool.ts";

/** A job that runs until `end()` is called. */
function job() {
  let end!: () => void;
  let started = false;
  const done = new Promise<void>((r) => (end = r));
  return {
    run: () => ((started = true), done),
    end: () => end(),
    started: () => started,
  };
}

/** Whether `p` has settled once callbacks ran. */
async function settled(p: Promise<unknown>, clock: { settle(): Promise<void> }): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await clock.settle();
  return done;
}

describe("createReadPool", () => {
  test("runs `concurrency` jobs; a slow one gives its place to the next, up to as many slow ones", async () => {
    const clock = manualClock();
    const pool = createReadPool(2, clock);
    const [a, b, c, d, e, f] = [job(), job(), job(), job(), job(), job()];
    for (const j of [a, b]) {
      await pool.room();
      pool.start(j.run);
    }
    const third = pool.room();
    expect(await settled(third, clock)).toBe(false);
    // Both reads turn slow: two places free, two slow places taken.
    await clock.advance(SLOW_READ_MS);
    expect(await settled(third, clock)).toBe(true);
    pool.start(c.run);
    await pool.room();
    pool.start(d.run);
    expect(pool.size).toBe(4);
    // c and d turn slow too, but the slow places are full: they keep theirs.
    await clock.advance(SLOW_READ_MS);
    const fifth = pool.room();
    expect(await settled(fifth, clock)).toBe(false);
    // A slow read ends: c moves to the slow places and frees one for e.
    a.end();
    expect(await settled(fifth, clock)).toBe(true);
    pool.start(e.run);
    expect(e.started()).toBe(true);
    const sixth = pool.room();
    expect(await settled(sixth, clock)).toBe(false);
    d.end();
    expect(await settled(sixth, clock)).toBe(true);
    pool.start(f.run);
    const idle = pool.idle();
    for (const j of [b, c, e]) j.end();
    expect(await settled(idle, clock)).toBe(false);
    f.end();
    expect(await settled(idle, clock)).toBe(true);
    expect(pool.size).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  test("a job that throws frees its place", async () => {
    const clock = manualClock();
    const pool = createReadPool(1, clock);
    pool.start(() => Promise.reject(new Error("boom")));
    expect(await settled(pool.room(), clock)).toBe(true);
    expect(pool.size).toBe(0);
  });
});
