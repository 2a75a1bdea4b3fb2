/**
 * The peer of the outbox benchmark: what a simple agent would do instead of
 * SQLite. Each reading is appended as one line of protobuf JSON to a file
 * and fsynced; a cursor file (written to a temporary file, fsynced, renamed)
 * remembers how far the hub has acknowledged. It cannot delete an arbitrary
 * id, only move the cursor past an acknowledged prefix, and it has no bounds.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync, renameSync, writeSync } from "node:fs";
import { create, fromJson, toJson } from "@bufbuild/protobuf";
import { type OutboxReading, OutboxReadingSchema } from "../../../src/gen/dca/v1/agent_service_pb.ts";
import { type DeviceReading, DeviceReadingSchema } from "../../../src/gen/dca/v1/reading_pb.ts";
import { uuidv7 } from "../../../src/agent/outbox/uuidv7.ts";

/** The subset of the Outbox API the benchmark drives. */
export interface BenchOutbox {
  put(reading: DeviceReading): string;
  putMany(items: { reading: DeviceReading }[]): string[];
  peekForUpload(limit: number): OutboxReading[];
  ack(ids: readonly string[]): number;
  fileBytes(): number;
  close(): void;
}

/** Opens (or creates) a JSON-lines outbox at `path`, with its cursor at `path`.cursor. */
export function openJsonlOutbox(path: string): BenchOutbox {
  const fd = openSync(path, "a+", 0o600);
  const cursorPath = `${path}.cursor`;
  // A cursor past the end means the agent died between truncating and saving the cursor.
  let cursor = existsSync(cursorPath) ? Math.min(Number(readFileSync(cursorPath, "utf8")), fstatSync(fd).size) : 0;
  let seq = lastSeq(fd);
  // id -> file offset just past its line, for the peeked lines not yet acknowledged.
  const ends = new Map<string, number>();

  const line = (reading: DeviceReading) => {
    const id = uuidv7();
    const rec = { id, seq: String(++seq), createdAt: Date.now(), reading: toJson(DeviceReadingSchema, reading) };
    return { id, text: `${JSON.stringify(rec)}\n` };
  };

  return {
    put(reading) {
      const { id, text } = line(reading);
      writeSync(fd, text);
      fsyncSync(fd);
      return id;
    },
    putMany(items) {
      const lines = items.map((i) => line(i.reading));
      writeSync(fd, lines.map((l) => l.text).join(""));
      fsyncSync(fd);
      return lines.map((l) => l.id);
    },
    peekForUpload(limit) {
      const out: OutboxReading[] = [];
      let at = cursor;
      let pending = "";
      const chunk = Buffer.alloc(1 << 20);
      while (out.length < limit) {
        const n = readSync(fd, chunk, 0, chunk.length, at + Buffer.byteLength(pending));
        if (n === 0) break;
        pending += chunk.toString("utf8", 0, n);
        let nl: number;
        while (out.length < limit && (nl = pending.indexOf("\n")) >= 0) {
          const text = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          at += Buffer.byteLength(text) + 1;
          const rec = JSON.parse(text);
          ends.set(rec.id, at);
          out.push(create(OutboxReadingSchema, { id: rec.id, seq: BigInt(rec.seq), reading: fromJson(DeviceReadingSchema, rec.reading) }));
        }
      }
      return out;
    },
    ack(ids) {
      let n = 0;
      for (const id of ids) {
        const end = ends.get(id);
        if (end === undefined) continue;
        ends.delete(id);
        cursor = Math.max(cursor, end);
        n++;
      }
      // All acknowledged: start the file again rather than let it grow forever.
      if (cursor === fstatSync(fd).size) {
        ftruncateSync(fd, 0);
        fsyncSync(fd);
        cursor = 0;
      }
      const tmp = `${cursorPath}.tmp`;
      const cfd = openSync(tmp, "w", 0o600);
      writeSync(cfd, String(cursor));
      fsyncSync(cfd);
      closeSync(cfd);
      renameSync(tmp, cursorPath);
      return n;
    },
    fileBytes() {
      return fstatSync(fd).size;
    },
    close() {
      closeSync(fd);
    },
  };
}

/** The seq of the last complete line, read from the file's tail (0 for an empty file). */
function lastSeq(fd: number): number {
  const size = fstatSync(fd).size;
  const tail = Buffer.alloc(Math.min(size, 64 * 1024));
  readSync(fd, tail, 0, tail.length, size - tail.length);
  const lines = tail.toString("utf8").split("\n");
  // The last element is "" after a complete line, or a torn line from a crash: skip it.
  for (let i = lines.length - 2; i >= 0; i--) {
    const m = lines[i].match(/"seq":"(\d+)"/);
    if (m) return Number(m[1]);
  }
  return 0;
}
