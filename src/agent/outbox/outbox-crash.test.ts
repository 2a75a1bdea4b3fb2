import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openOutbox } from "./open-outbox.ts";

// A writer process is SIGKILLed at random moments, again and again, on the
// same file: during open and WAL recovery, in the middle of puts and batches,
// and during checkpoints. Nothing it was told is stored may be missing.

const dir = mkdtempSync(join(tmpdir(), "dca-outbox-crash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const writer = join(import.meta.dir, "testdata", "crash-writer.ts");
const KILLS = 14;

interface Origin {
  run: number;
  i: number;
  call: number;
  batch: number;
}

async function runAndKill(path: string, run: number): Promise<{ ids: string[]; walLeft: boolean }> {
  const child = Bun.spawn([process.execPath, writer, path, String(run)], { stdout: "pipe", stderr: "pipe" });
  let out = "";
  const decoder = new TextDecoder();
  let firstOutput!: () => void;
  const started = new Promise<void>((r) => (firstOutput = r));
  const reading = (async () => {
    for await (const chunk of child.stdout) {
      out += decoder.decode(chunk, { stream: true });
      firstOutput();
    }
  })();
  // One run in four dies early (while opening or recovering the previous run's WAL);
  // the rest die at a random moment after their first stored reading.
  if (run % 4 === 0) await Bun.sleep(Math.random() * 150);
  else await Promise.race([started, child.exited]).then(() => Bun.sleep(20 + Math.random() * 200));
  child.kill("SIGKILL");
  await child.exited;
  await reading;
  const stderr = await new Response(child.stderr).text();
  expect({ run, signal: child.signalCode, stderr }).toEqual({ run, signal: "SIGKILL", stderr: "" });
  expect(out === "" || out.endsWith("\n")).toBe(true);
  return { ids: out.split("\n").filter(Boolean), walLeft: existsSync(`${path}-wal`) };
}

test(`readings survive ${KILLS} SIGKILLs of the writer: none lost, none doubled, seq in order`, async () => {
  const path = join(dir, "outbox.db");
  const printed: string[][] = [];
  let walLeftBehind = 0;
  for (let run = 0; run < KILLS; run++) {
    const r = await runAndKill(path, run);
    printed.push(r.ids);
    if (r.walLeft && r.ids.length > 0) walLeftBehind++;
  }
  // A killed writer leaves its WAL behind; the next run must have recovered it.
  expect(walLeftBehind).toBeGreaterThan(0);
  expect(printed.filter((ids) => ids.length > 0).length).toBeGreaterThanOrEqual(KILLS / 2);

  const box = openOutbox(path);
  const entries = box.peek(1_000_000);
  box.close();
  const seqs = entries.map((e) => e.seq);
  for (let k = 1; k < seqs.length; k++) expect(seqs[k] > seqs[k - 1]).toBe(true);
  expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);

  // Stored order must be run 0's readings, then run 1's, ... each run being
  // exactly what it printed, plus at most the one call in flight when it died.
  let extras = 0;
  for (let run = 0; run < KILLS; run++) {
    const mine = entries.filter((e) => e.taskId === `run-${run}`);
    const origins = mine.map((e) => JSON.parse(e.reading.sysLocation) as Origin);
    expect(origins.map((o) => o.i)).toEqual(origins.map((_, k) => k));
    expect(mine.slice(0, printed[run].length).map((e) => e.id)).toEqual(printed[run]);
    const unprinted = origins.slice(printed[run].length);
    if (unprinted.length > 0) {
      // Committed but killed before its ids were written: one whole call, never part of a batch.
      expect(new Set(unprinted.map((o) => o.call)).size).toBe(1);
      expect(unprinted.length).toBe(unprinted[0].batch);
      extras++;
    }
  }
  expect(entries.map((e) => Number(e.taskId.slice(4)))).toEqual(entries.map((e) => Number(e.taskId.slice(4))).sort((a, b) => a - b));
  expect(extras).toBeLessThanOrEqual(KILLS);
  const stored = printed.reduce((a, ids) => a + ids.length, 0);
  console.log(`crash test: ${stored} readings acknowledged by put over ${KILLS} kills, ${entries.length - stored} more committed in flight (${extras} calls)`);
}, 30_000);
