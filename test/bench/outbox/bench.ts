/**
 * Throughput of the agent's outbox (SQLite, WAL, synchronous=FULL) against
 * what a simple agent would do instead: append protobuf JSON lines to a
 * file with an fsync per record (jsonl-outbox.ts). Not a unit test: run it
 * by hand and copy the table into README.md. A component figure, not a
 * product one: the upload benchmark measures the outbox through `dca run`.
 *
 *   npx bun test/bench/outbox/bench.ts [--one 1000] [--many 20000] [--repeat 3] [--dir DIR] [--big 100000]
 *
 * Each side runs in a child process of its own (so RSS is its own), on a
 * fresh file in DIR (default: the system temp folder, which must be a real
 * disk for fsync to mean anything), interleaved, and the median of the
 * repeats is reported. --big N also times opening an outbox of N readings
 * with and without the integrity check.
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openOutbox } from "../../../src/agent/outbox/open-outbox.ts";
import { sampleReading } from "../../../src/agent/outbox/testdata/sample-reading.ts";
import { type BenchOutbox, openJsonlOutbox } from "./jsonl-outbox.ts";

const { values: v } = parseArgs({
  options: {
    one: { type: "string", default: "1000" },
    many: { type: "string", default: "20000" },
    repeat: { type: "string", default: "3" },
    dir: { type: "string" },
    big: { type: "string", default: "0" },
    worker: { type: "string" },
    file: { type: "string" },
  },
  strict: true,
});
const ONE = Number(v.one);
const MANY = Number(v.many);
const WARMUP = 200;
const PUT_BATCH = 100;
const DRAIN_BATCH = 200;
// A pool of distinct readings, so building them is not what is measured.
const pool = Array.from({ length: 100 }, (_, i) => sampleReading(i));

interface Result {
  side: string;
  onePerS: number;
  manyPerS: number;
  drainPerS: number;
  /** CPU (user + system) per reading in each phase, µs. */
  oneCpu: number;
  manyCpu: number;
  drainCpu: number;
  bytesPer10k: number;
  reopenMs: number;
  baseMB: number;
  peakMB: number;
  drained: number;
}

const mb = (kb: string | undefined) => Number(kb?.match(/\d+/)?.[0] ?? 0) / 1024;
function memory(): { rss: number; peak: number } {
  const status = readFileSync("/proc/self/status", "utf8");
  return { rss: mb(status.match(/VmRSS:.*/)?.[0]), peak: mb(status.match(/VmHWM:.*/)?.[0]) };
}

function openSide(side: string, file: string): { box: BenchOutbox; size: () => number } {
  if (side === "jsonl") {
    const box = openJsonlOutbox(file);
    return { box, size: () => box.fileBytes() };
  }
  const o = openOutbox(file);
  const box: BenchOutbox = { ...o, put: (r) => o.put(r), fileBytes: () => o.stats().fileBytes };
  return { box, size: () => statSync(file).size };
}

/** Wall seconds and CPU µs of `fn`. */
function timed(fn: () => void): { s: number; cpu: number } {
  const c = process.cpuUsage();
  const t = performance.now();
  fn();
  const d = process.cpuUsage(c);
  return { s: (performance.now() - t) / 1000, cpu: d.user + d.system };
}

/** One side, one run, in this process. */
function worker(side: string, file: string): Result {
  const baseMB = memory().rss;
  let { box } = openSide(side, file);
  // Not measured: lets the JIT settle, on both sides alike.
  for (let i = 0; i < WARMUP; i++) box.put(pool[i % pool.length]);
  const one = timed(() => {
    for (let i = 0; i < ONE; i++) box.put(pool[i % pool.length]);
  });
  const many = timed(() => {
    for (let i = 0; i < MANY; i += PUT_BATCH) box.putMany(Array.from({ length: PUT_BATCH }, (_, k) => ({ reading: pool[(i + k) % pool.length] })));
  });
  box.close();
  // On disk once the writer is gone (SQLite has folded its WAL into the file by then).
  const reopenT = performance.now();
  const reopened = openSide(side, file);
  const reopenMs = performance.now() - reopenT;
  box = reopened.box;
  const bytes = reopened.size();
  let drained = 0;
  let lastSeq = 0n;
  const drain = timed(() => {
    for (;;) {
      const batch = box.peekForUpload(DRAIN_BATCH);
      if (batch.length === 0) break;
      for (const r of batch) {
        if (r.seq <= lastSeq) throw new Error(`${side}: seq ${r.seq} after ${lastSeq}`);
        lastSeq = r.seq;
      }
      if (box.ack(batch.map((r) => r.id)) !== batch.length) throw new Error(`${side}: ack lost ids`);
      drained += batch.length;
    }
  });
  box.close();
  if (drained !== WARMUP + ONE + MANY) throw new Error(`${side}: drained ${drained} of ${WARMUP + ONE + MANY}`);
  return {
    side,
    onePerS: ONE / one.s,
    manyPerS: MANY / many.s,
    drainPerS: drained / drain.s,
    oneCpu: one.cpu / ONE,
    manyCpu: many.cpu / MANY,
    drainCpu: drain.cpu / drained,
    bytesPer10k: (bytes / drained) * 10_000,
    reopenMs,
    baseMB,
    peakMB: memory().peak,
    drained,
  };
}

/** Median latency of a 2.6 KB append + fsync on this disk, µs: what every put() waits for at least once. */
function fsyncLatency(dir: string): number {
  const fd = openSync(join(dir, "fsync-probe"), "a");
  const buf = Buffer.alloc(2600, 0x2a);
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    writeSync(fd, buf);
    fsyncSync(fd);
    times.push((performance.now() - t) * 1000);
  }
  closeSync(fd);
  return median(times);
}

/** Times opening an outbox of `n` readings, with and without quick_check. */
function bigOpen(dir: string, n: number): { checked: number; unchecked: number; fileMB: number } {
  const file = join(dir, "big.db");
  const box = openOutbox(file, { maxReadings: n });
  for (let i = 0; i < n; i += 1000) box.putMany(Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ reading: pool[(i + k) % pool.length] })));
  box.close();
  const t0 = performance.now();
  openOutbox(file).close();
  const t1 = performance.now();
  openOutbox(file, { integrityCheck: false }).close();
  const t2 = performance.now();
  return { checked: t1 - t0, unchecked: t2 - t1, fileMB: statSync(file).size / 2 ** 20 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (v.worker) {
  console.log(JSON.stringify(worker(v.worker, v.file!)));
  process.exit(0);
}

const dir = mkdtempSync(join(v.dir ?? tmpdir(), "dca-outbox-bench-"));
const runs: Record<string, Result[]> = { sqlite: [], jsonl: [] };
try {
  const fsyncBefore = fsyncLatency(dir);
  for (let r = 0; r < Number(v.repeat); r++) {
    for (const side of ["sqlite", "jsonl"]) {
      const file = join(dir, `${side}-${r}.${side === "jsonl" ? "jsonl" : "db"}`);
      const args = [process.execPath, import.meta.path, "--worker", side, "--file", file, "--one", v.one!, "--many", v.many!];
      const child = Bun.spawnSync(args, { stderr: "inherit" });
      if (!child.success) throw new Error(`${side} run ${r} failed`);
      const res = JSON.parse(child.stdout.toString()) as Result;
      runs[side].push(res);
      console.error(`run ${r} ${side}: ${JSON.stringify(res, (_, x) => (typeof x === "number" ? Math.round(x * 10) / 10 : x))}`);
    }
  }
  const rows: [string, keyof Result, number][] = [
    ["put() one by one, fsync each (readings/s)", "onePerS", 0],
    [`putMany() of ${PUT_BATCH} (readings/s)`, "manyPerS", 0],
    [`peek + ack of ${DRAIN_BATCH} (readings/s drained)`, "drainPerS", 0],
    ["CPU per put() (µs)", "oneCpu", 0],
    ["CPU per reading in putMany() (µs)", "manyCpu", 0],
    ["CPU per reading drained (µs)", "drainCpu", 0],
    ["file size per 10,000 readings (MB)", "bytesPer10k", 2],
    ["reopen after the writes (ms)", "reopenMs", 1],
    ["RSS at start (MB)", "baseMB", 1],
    ["peak RSS (MB)", "peakMB", 1],
  ];
  const fsyncAfter = fsyncLatency(dir);
  console.log(`\n${ONE} put() (after ${WARMUP} unmeasured) + ${MANY} in putMany(), then all drained; median of ${v.repeat} runs`);
  console.log(`Bun ${Bun.version}, dir ${dir}, bare 2.6 KB append + fsync: ${fsyncBefore.toFixed(0)} µs before, ${fsyncAfter.toFixed(0)} µs after\n`);
  console.log("| | sqlite outbox | JSON lines + fsync | ratio |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const [label, key, digits] of rows) {
    const scale = key === "bytesPer10k" ? 1 / 2 ** 20 : 1;
    const ours = median(runs.sqlite.map((x) => Number(x[key]))) * scale;
    const peer = median(runs.jsonl.map((x) => Number(x[key]))) * scale;
    const fmt = (x: number) => x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
    console.log(`| ${label} | ${fmt(ours)} | ${fmt(peer)} | ${(ours / peer).toFixed(2)} |`);
  }
  const big = Number(v.big);
  if (big > 0) {
    const b = bigOpen(dir, big);
    console.log(`\nopen of ${big.toLocaleString("en-US")} readings (${b.fileMB.toFixed(0)} MB): ${b.checked.toFixed(0)} ms with quick_check, ${b.unchecked.toFixed(0)} ms without`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
