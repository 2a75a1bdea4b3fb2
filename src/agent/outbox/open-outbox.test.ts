import { afterAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import { UploadReadingsRequestSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { DeviceReadingSchema } from "../../gen/dca/v1/reading_pb.ts";
import { MAX_READING_TEXT, readingOverLimits } from "../../common/reading-limits.ts";
import { openOutbox } from "./open-outbox.ts";
import type { QuarantinedEntry } from "./outbox.ts";
import { OutboxError } from "./outbox-error.ts";
import { sampleReading } from "./testdata/sample-reading.ts";
import { uuidv7Time } from "./uuidv7.ts";

const dir = mkdtempSync(join(tmpdir(), "dca-outbox-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `outbox-${++n}.db`);
const sizeOf = (...ns: number[]) => ns.reduce((a, i) => a + toBinary(DeviceReadingSchema, sampleReading(i)).length, 0);
const size = sizeOf(1);

function thrown(fn: () => unknown): OutboxError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OutboxError);
    return e as OutboxError;
  }
  throw new Error("expected an OutboxError");
}

// The same behaviour on disk and in memory (telegraf's buffer suite habit).
describe.each([["file"], ["memory"]])("outbox (%s)", (kind) => {
  const open = (opts = {}) => openOutbox(kind === "file" ? freshPath() : ":memory:", opts);

  test("put, peek and ack keep order and ids", () => {
    const box = open();
    const ids = [0, 1, 2, 3, 4].map((i) => box.put(sampleReading(i), { taskId: i === 2 ? "task-7" : undefined }));
    expect(new Set(ids).size).toBe(5);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(Math.abs(uuidv7Time(ids[0]) - Date.now())).toBeLessThan(60_000);

    const all = box.peek(10);
    expect(all.map((e) => e.id)).toEqual(ids);
    expect(all.map((e) => e.seq)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(all.map((e) => e.taskId)).toEqual(["", "", "task-7", "", ""]);
    all.forEach((e, i) => expect(equals(DeviceReadingSchema, e.reading, sampleReading(i))).toBe(true));
    expect(box.peek(2).map((e) => e.id)).toEqual(ids.slice(0, 2));

    expect(box.ack([ids[0], ids[1], "0190f000-0000-7000-8000-000000000000"])).toBe(2);
    expect(box.ack([ids[1]])).toBe(0);
    expect(box.peek(10).map((e) => e.id)).toEqual(ids.slice(2));
    const s = box.stats();
    expect(s.depth).toBe(3);
    expect(s.bytes).toBe(all.slice(2).reduce((a, e) => a + e.size, 0));
    expect(s.nextSeq).toBe(6n);
    expect(box.ack(ids.slice(2))).toBe(3);
    expect(box.peek(10)).toEqual([]);
    expect(box.stats()).toMatchObject({ depth: 0, bytes: 0 });
    expect(box.stats().oldest).toBeUndefined();
    box.close();
  });

  test("putMany stores a batch in order; an empty batch is nothing", () => {
    const box = open();
    const first = box.put(sampleReading(0));
    const ids = box.putMany([0, 1, 2].map((i) => ({ reading: sampleReading(10 + i), taskId: `t${i}` })));
    expect(box.putMany([])).toEqual([]);
    const got = box.peek(10);
    expect(got.map((e) => e.id)).toEqual([first, ...ids]);
    expect(got.map((e) => e.taskId)).toEqual(["", "t0", "t1", "t2"]);
    expect(got[3].reading.address).toBe(sampleReading(12).address);
    box.close();
  });

  test("peek stops at about maxBytes but always returns at least one", () => {
    const box = open();
    box.putMany([0, 1, 2, 3, 4].map((i) => ({ reading: sampleReading(i) })));
    expect(box.peek(10, size * 2.5)).toHaveLength(2);
    expect(box.peek(10, 10)).toHaveLength(1);
    expect(box.peek(0)).toEqual([]);
    box.close();
  });

  test("peekForUpload gives OutboxReading messages for an upload request", () => {
    const box = open();
    const id = box.put(sampleReading(3), { taskId: "task-1" });
    const req = create(UploadReadingsRequestSchema, { readings: box.peekForUpload(100), droppedReadings: box.stats().droppedTotal });
    const back = fromBinary(UploadReadingsRequestSchema, toBinary(UploadReadingsRequestSchema, req));
    expect(back.readings).toHaveLength(1);
    expect(back.readings[0]).toMatchObject({ id, seq: 1n, taskId: "task-1" });
    expect(equals(DeviceReadingSchema, back.readings[0].reading!, sampleReading(3))).toBe(true);
    box.close();
  });

  test("a reading over the contract's bounds is stored cut to them, with a ReadProblem saying so", () => {
    const box = open();
    const big = sampleReading(4);
    big.model = "M".repeat(15 * 1024 * 1024);
    big.alerts = Array.from({ length: 5000 }, (_, i) => ({ ...big.alerts[0], index: i }) as (typeof big.alerts)[number]);
    box.put(big);
    const [stored] = box.peek(1);
    expect(stored!.reading.model.length).toBe(MAX_READING_TEXT);
    expect(readingOverLimits(stored!.reading)).toBeUndefined();
    expect(stored!.reading.problems.at(-1)).toMatchObject({ section: "limits" });
    expect(box.stats().bytes).toBeLessThan(64 * 1024);
    box.close();
  });

  test("beyond maxReadings the oldest go first, and are counted", () => {
    const box = open({ maxReadings: 3 });
    const ids = [0, 1, 2, 3, 4].map((i) => box.put(sampleReading(i)));
    expect(box.peek(10).map((e) => e.id)).toEqual(ids.slice(2));
    expect(box.stats()).toMatchObject({ depth: 3, droppedTotal: 2n });
    box.setLimits({ maxReadings: 1 });
    expect(box.peek(10).map((e) => e.id)).toEqual([ids[4]]);
    expect(box.stats().droppedTotal).toBe(4n);
    box.close();
  });

  test("beyond maxBytes the oldest go first", () => {
    const box = open({ maxBytes: Math.floor(size * 2.5) });
    const ids = box.putMany([0, 1, 2, 3].map((i) => ({ reading: sampleReading(i) })));
    expect(box.peek(10).map((e) => e.id)).toEqual(ids.slice(2));
    expect(box.stats()).toMatchObject({ depth: 2, bytes: sizeOf(2, 3), droppedTotal: 2n });
    box.close();
  });

  test("beyond maxAgeMs the too old go, on the injected clock", () => {
    let now = Date.UTC(2026, 0, 1);
    const box = open({ maxAgeMs: 60_000, now: () => now });
    const old = box.putMany([{ reading: sampleReading(0) }, { reading: sampleReading(1) }]);
    now += 30_000;
    const young = box.putMany([{ reading: sampleReading(2) }, { reading: sampleReading(3) }]);
    expect(box.stats().oldest).toEqual(new Date(now - 30_000));
    now += 30_000;
    expect(box.enforceLimits()).toBe(0); // exactly 60 s old is not beyond the bound
    now += 1;
    expect(box.enforceLimits()).toBe(2);
    expect(box.peek(10).map((e) => e.id)).toEqual(young);
    expect(box.peek(10).map((e) => e.id)).not.toContain(old[0]);
    expect(box.stats()).toMatchObject({ depth: 2, droppedTotal: 2n, oldest: new Date(now - 30_001) });
    now += 30_000;
    box.put(sampleReading(4)); // put applies the bounds as well
    expect(box.stats()).toMatchObject({ depth: 1, droppedTotal: 4n });
    box.close();
  });

  test("setLimits: 0 or absent goes back to the opening value; nonsense is refused", () => {
    const box = open({ maxReadings: 4 });
    box.putMany([0, 1, 2, 3].map((i) => ({ reading: sampleReading(i) })));
    box.setLimits({ maxReadings: 2 });
    expect(box.stats().depth).toBe(2);
    box.setLimits({ maxReadings: 0 });
    box.putMany([4, 5, 6].map((i) => ({ reading: sampleReading(i) })));
    expect(box.stats().depth).toBe(4);
    expect(thrown(() => box.setLimits({ maxBytes: -1 })).code).toBe("invalid-argument");
    expect(thrown(() => box.setLimits({ maxAgeMs: 1.5 })).code).toBe("invalid-argument");
    expect(box.stats().depth).toBe(4);
    box.close();
  });

  test("a closed outbox refuses work; closing twice is fine", () => {
    const box = open();
    box.close();
    box.close();
    expect(thrown(() => box.put(sampleReading(0)))).toMatchObject({ code: "failed-precondition", reason: "closed" });
    expect(thrown(() => box.peek(1)).reason).toBe("closed");
  });
});

describe("outbox file", () => {
  test("reopening keeps readings, the dropped count and the seq, which is never reused", () => {
    const path = freshPath();
    let box = openOutbox(path, { maxReadings: 3 });
    const ids = [0, 1, 2, 3].map((i) => box.put(sampleReading(i)));
    box.ack([ids[3]]); // the newest goes: its seq must still not come back
    box.close();

    box = openOutbox(path, { maxReadings: 3 });
    expect(box.stats()).toMatchObject({ depth: 2, droppedTotal: 1n, nextSeq: 5n, bytes: sizeOf(1, 2) });
    expect(box.peek(10).map((e) => [e.id, e.seq])).toEqual([
      [ids[1], 2n],
      [ids[2], 3n],
    ]);
    const next = box.put(sampleReading(9));
    expect(box.peek(10).at(-1)).toMatchObject({ id: next, seq: 5n });
    box.putMany([{ reading: sampleReading(10) }, { reading: sampleReading(11) }]);
    box.close();
    box = openOutbox(path);
    expect(box.stats()).toMatchObject({ depth: 3, droppedTotal: 3n, nextSeq: 8n });
    box.close();
  });

  test("the file is created 0600 in a new folder made 0700", () => {
    const path = join(dir, "state", "deeper", "outbox.db");
    const box = openOutbox(path);
    box.put(sampleReading(0));
    expect(statSync(join(dir, "state", "deeper")).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "state")).mode & 0o777).toBe(0o700);
    for (const f of [path, `${path}-wal`]) expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(box.stats().fileBytes).toBeGreaterThan(size);
    box.close();
  });

  test("a path that cannot hold a file is an io error naming it", () => {
    const notAFolder = freshPath();
    writeFileSync(notAFolder, "x");
    const e = thrown(() => openOutbox(join(notAFolder, "outbox.db")));
    expect(e).toMatchObject({ code: "failed-precondition", reason: "io" });
    expect(e.message).toContain(join(notAFolder, "outbox.db"));
  });

  test("a file that is not SQLite is refused, named and left untouched", () => {
    const path = freshPath();
    const junk = "these are not the readings you are looking for\n".repeat(200);
    writeFileSync(path, junk);
    const e = thrown(() => openOutbox(path));
    expect(e).toMatchObject({ code: "data-loss", reason: "not-a-database" });
    expect(e.message).toContain(path);
    expect(e.message).toContain("move it aside");
    expect(readFileSync(path, "utf8")).toBe(junk);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  test("another program's SQLite file and a newer agent's outbox are refused", () => {
    const foreign = freshPath();
    const db = new Database(foreign);
    db.run("CREATE TABLE contacts(name TEXT)");
    db.close();
    expect(thrown(() => openOutbox(foreign))).toMatchObject({ code: "failed-precondition", reason: "not-an-outbox" });

    const newer = freshPath();
    openOutbox(newer).close();
    const db2 = new Database(newer);
    db2.run("PRAGMA user_version = 99");
    db2.close();
    const e = thrown(() => openOutbox(newer));
    expect(e).toMatchObject({ code: "failed-precondition", reason: "newer-version" });
    expect(e.message).toContain("schema 99");
  });

  test("a damaged outbox is refused at open, and not deleted", () => {
    const path = freshPath();
    const box = openOutbox(path);
    box.putMany(Array.from({ length: 300 }, (_, i) => ({ reading: sampleReading(i) })));
    box.close();
    const bytes = readFileSync(path);
    // Scribble over pages 10-14 (of about 100, 8 KB each): b-tree pages full of readings.
    bytes.fill(0xa5, 8192 * 10, 8192 * 15);
    writeFileSync(path, bytes);
    const e = thrown(() => openOutbox(path));
    expect(e).toMatchObject({ code: "data-loss", reason: "corrupt" });
    expect(e.message).toContain(path);
    expect(e.message).toContain(".recover");
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  test("a payload that no longer decodes is set aside in quarantine, never lost, never blocking", () => {
    const path = freshPath();
    let box = openOutbox(path);
    const ids = [0, 1, 2, 3].map((i) => box.put(sampleReading(i)));
    box.close();
    const db = new Database(path);
    // Row 2: bit rot the checksum catches. Row 3: bytes that are not a DeviceReading at all.
    const flipped = new Uint8Array((db.query("SELECT payload FROM readings WHERE seq = 2").get() as { payload: Uint8Array }).payload);
    flipped[100] ^= 0x10;
    db.query("UPDATE readings SET payload = ? WHERE seq = 2").run(flipped);
    const garbage = new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    db.query("UPDATE readings SET payload = ?, crc32 = ? WHERE seq = 3").run(garbage, Bun.hash.crc32(garbage));
    db.close();

    const told: QuarantinedEntry[] = [];
    box = openOutbox(path, { onQuarantine: (q) => told.push(q) });
    expect(box.peek(2).map((e) => e.id)).toEqual([ids[0], ids[3]]);
    expect(told.map((q) => [q.id, q.seq])).toEqual([
      [ids[1], 2n],
      [ids[2], 3n],
    ]);
    expect(told[0].problem).toContain("checksum");
    expect(told[1].problem).toContain("does not decode");
    expect(box.stats()).toMatchObject({ depth: 2, quarantined: 2, bytes: sizeOf(0, 3) });
    box.close();
    const kept = new Database(path).query("SELECT id, payload FROM quarantine ORDER BY seq").all() as { id: string; payload: Uint8Array }[];
    expect(kept.map((r) => r.id)).toEqual([ids[1], ids[2]]);
    expect(new Uint8Array(kept[0].payload)).toEqual(flipped);
  });
});

describe("a reading dropped while its upload was in flight", () => {
  test("is not counted as dropped once the hub acknowledges it", () => {
    const o = openOutbox(":memory:", { maxReadings: 3 });
    const ids = [0, 1, 2].map(() => o.put(sampleReading()));
    const inFlight = o.peekForUpload(3).map((r) => r.id);
    expect(inFlight).toEqual(ids);
    o.put(sampleReading()); // drops ids[0] while the batch is on its way
    expect(o.stats().droppedTotal).toBe(1n);
    expect(o.ack(inFlight)).toBe(2);
    expect(o.stats().droppedTotal).toBe(0n);
    // An id acknowledged twice, or never dropped, changes nothing.
    expect(o.ack(inFlight)).toBe(0);
    expect(o.stats().droppedTotal).toBe(0n);
    // Drops that no upload delivers stay counted.
    for (let i = 0; i < 3; i++) o.put(sampleReading());
    expect(o.stats().depth).toBe(3);
    expect(o.stats().droppedTotal).toBe(1n);
    o.close();
  });
});
