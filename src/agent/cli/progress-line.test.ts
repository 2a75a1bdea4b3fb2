import { expect, test } from "bun:test";
import { createProgressLine } from "./progress-line.ts";

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, write: (s: string) => chunks.push(s) } as unknown as NodeJS.WriteStream };
}

const snap = () => ({ total: 256, probed: 128, answered: 3, inFlight: 10, elapsedMs: 1000, rate: 128, etaMs: 1000, found: 3, read: 2 });

test("on a terminal the line is redrawn, and cleared before other output", async () => {
  const err = fakeStream(true);
  const out = fakeStream(false);
  const p = createProgressLine(err.stream, snap, 5);
  await Bun.sleep(30);
  expect(err.chunks.some((c) => c.includes("probed 128/256, found 3, read 2, 128 addr/s, ETA 1s"))).toBe(true);
  p.write("{}\n", out.stream);
  expect(err.chunks.at(-1)).toBe("\r\x1b[2K"); // cleared before the reading went out
  expect(out.chunks).toEqual(["{}\n"]);
  p.stop();
  const n = err.chunks.length;
  await Bun.sleep(20);
  expect(err.chunks.length).toBe(n); // no redraw after stop
});

test("without a terminal there is no progress line at all", async () => {
  const err = fakeStream(false);
  const p = createProgressLine(err.stream, snap, 5);
  await Bun.sleep(20);
  p.log("skipped 10.0.0.9: not a printer");
  p.stop();
  expect(err.chunks).toEqual(["skipped 10.0.0.9: not a printer\n"]);
});
