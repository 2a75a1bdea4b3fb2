/**
 * `dca scan` in the compiled executable replaces itself once with
 * JavaScriptCore's optimising tiers off (src/agent/cli/batch-jit.ts): the same
 * process, the option in its environment, a user's own value kept. Only the
 * compiled binary does this (`npm run test:binary`); from the sources there is
 * nothing to check.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dcaCommand, dcaMissingReason } from "../support/dca-cli.ts";
import { repoRoot } from "../support/shared-dir.ts";

const { argv } = dcaCommand();
const compiled = argv.length === 1 && !argv[0]!.endsWith(".ts") && dcaMissingReason() === undefined;

/** The environment of a running `dca scan` of one silent loopback address, read while it waits. */
async function scanEnvironment(env: Record<string, string>): Promise<{ environ: Map<string, string>; exitCode: number }> {
  // 127.0.0.2 answers nothing on port 161: the sweep waits its timeout, long enough to look.
  const base: Record<string, string | undefined> = { ...process.env };
  delete base.BUN_JSC_useDFGJIT;
  delete base.BUN_OPTIONS;
  const proc = Bun.spawn([...argv, "scan", "127.0.0.2", "--sweep-timeout", "1500", "--retries", "0"], {
    cwd: repoRoot,
    env: { ...base, ...env },
    stdout: "ignore",
    stderr: "pipe",
  });
  // The exec comes within milliseconds of the start; the sweep then waits 1.5 s.
  await Bun.sleep(700);
  const raw = readFileSync(`/proc/${proc.pid}/environ`, "latin1");
  const environ = new Map(raw.split("\0").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
  return { environ, exitCode: await proc.exited };
}

describe.skipIf(!compiled)("dca scan's JIT settings (compiled binary)", () => {
  test("runs with the optimising tiers off, in the same process", async () => {
    const { environ, exitCode } = await scanEnvironment({});
    expect(environ.get("BUN_JSC_useDFGJIT")).toBe("0");
    expect(exitCode).toBe(0);
  });

  test("is left as it is under runtime options (a profiler's signals would race the exec)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dca-batch-jit-"));
    try {
      const { environ, exitCode } = await scanEnvironment({ BUN_OPTIONS: `--cpu-prof --cpu-prof-interval=250 --cpu-prof-dir=${dir}` });
      expect(environ.has("BUN_JSC_useDFGJIT")).toBe(false);
      expect(exitCode).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("keeps a value the user set", async () => {
    const { environ, exitCode } = await scanEnvironment({ BUN_JSC_useDFGJIT: "1" });
    expect(environ.get("BUN_JSC_useDFGJIT")).toBe("1");
    expect(exitCode).toBe(0);
  });
});
