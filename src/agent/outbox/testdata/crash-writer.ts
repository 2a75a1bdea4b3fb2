/**
 * Child process of outbox-crash.test.ts: puts readings into the outbox at
 * argv[2] as fast as it can until it is killed, and writes each id to
 * stdout only after put() or putMany() has returned. Every fourth call is a
 * putMany of three, to show that a batch commits whole or not at all.
 *
 *   bun src/agent/outbox/testdata/crash-writer.ts OUTBOX.db RUN
 *
 * Each reading says where it came from in sys_location: {"run","i","call","batch"}.
 */
import { writeSync } from "node:fs";
import { openOutbox } from "../open-outbox.ts";
import { sampleReading } from "./sample-reading.ts";

const [path, runArg] = process.argv.slice(2);
if (!path || runArg === undefined) throw new Error("usage: crash-writer.ts OUTBOX.db RUN");
const run = Number(runArg);
const box = openOutbox(path);
let i = 0;
for (let call = 0; ; call++) {
  const batch = call % 4 === 3 ? 3 : 1;
  const items = Array.from({ length: batch }, (_, k) => {
    const reading = sampleReading(run * 10_000 + i + k);
    reading.sysLocation = JSON.stringify({ run, i: i + k, call, batch });
    return { reading, taskId: `run-${run}` };
  });
  const ids = batch === 1 ? [box.put(items[0].reading, { taskId: items[0].taskId })] : box.putMany(items);
  // One write() of under PIPE_BUF bytes: the parent sees a call's ids all or none.
  writeSync(1, ids.map((id) => `${id}\n`).join(""));
  i += batch;
}
