import { expect, test } from "bun:test";
import { manualClock } from "../../../test/support/manual-clock.ts";
import { IDLE_TRIM_DELAY_MS, createIdleTrim } from "./idle-trim.ts";

test("one trim per burst of work, once the service has been quiet for the delay", async () => {
  const clock = manualClock();
  let trims = 0;
  const idle = createIdleTrim(clock, { busy: () => false, trim: () => trims++ });
  idle.soon();
  await clock.advance(IDLE_TRIM_DELAY_MS - 1);
  idle.soon(); // more work ended: the quiet period starts again
  await clock.advance(IDLE_TRIM_DELAY_MS - 1);
  expect(trims).toBe(0);
  await clock.advance(1);
  expect(trims).toBe(1);
  await clock.advance(10 * IDLE_TRIM_DELAY_MS);
  expect(trims).toBe(1);
  expect(clock.pendingTimers()).toBe(0);
});

test("no trim while work is under way", async () => {
  const clock = manualClock();
  let trims = 0;
  let busy = true;
  const idle = createIdleTrim(clock, { busy: () => busy, trim: () => trims++ });
  idle.soon();
  await clock.advance(IDLE_TRIM_DELAY_MS);
  expect(trims).toBe(0);
  busy = false;
  idle.soon();
  await clock.advance(IDLE_TRIM_DELAY_MS);
  expect(trims).toBe(1);
});

test("cancel leaves no trim and no timer behind", async () => {
  const clock = manualClock();
  let trims = 0;
  const idle = createIdleTrim(clock, { busy: () => false, trim: () => trims++ });
  idle.soon();
  idle.cancel();
  expect(clock.pendingTimers()).toBe(0);
  await clock.advance(10 * IDLE_TRIM_DELAY_MS);
  expect(trims).toBe(0);
});

test("the default trim is the engine's (Bun.shrink) and runs without error", async () => {
  const clock = manualClock();
  const idle = createIdleTrim(clock, { busy: () => false });
  idle.soon();
  await clock.advance(IDLE_TRIM_DELAY_MS);
  expect(clock.pendingTimers()).toBe(0);
});
