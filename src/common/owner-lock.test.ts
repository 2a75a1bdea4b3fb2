import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DcaError } from "./errors.ts";
import { takeOwnerLock } from "./owner-lock.ts";

const dir = mkdtempSync(join(tmpdir(), "dca-owner-lock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const refusal = (pid: number | undefined) => `held by pid ${pid ?? "unknown"}`;

/** A process of its own that takes the lock and keeps it until killed. */
async function holder(path: string) {
  const code = `import { takeOwnerLock } from ${JSON.stringify(join(import.meta.dir, "owner-lock.ts"))};
takeOwnerLock(${JSON.stringify(path)}, () => "refused");
console.log("held");
setInterval(() => {}, 1000);`;
  const proc = Bun.spawn({ cmd: [process.execPath, "-e", code], stdout: "pipe", stderr: "inherit" });
  const reader = proc.stdout.getReader();
  const { value } = await reader.read();
  expect(new TextDecoder().decode(value)).toContain("held");
  return proc;
}

describe("owner lock", () => {
  test("a second taker is refused with the holder's pid; after release the folder is free again", () => {
    const path = join(dir, "a.lock");
    const first = takeOwnerLock(path, refusal);
    let thrown: unknown;
    try {
      takeOwnerLock(path, refusal);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(DcaError);
    expect((thrown as DcaError).code).toBe("failed-precondition");
    expect((thrown as DcaError).message).toBe(`held by pid ${process.pid}`);
    first.release();
    takeOwnerLock(path, refusal).release();
  });

  test("another process's lock names its pid, and is taken over once that process is killed (kill -9: no clean-up)", async () => {
    const path = join(dir, "b.lock");
    const proc = await holder(path);
    expect(() => takeOwnerLock(path, refusal)).toThrow(`held by pid ${proc.pid}`);
    proc.kill(9);
    await proc.exited;
    const mine = takeOwnerLock(path, refusal);
    // The file now names this process, for the next one refused.
    expect(() => takeOwnerLock(path, refusal)).toThrow(`held by pid ${process.pid}`);
    mine.release();
  });
});
