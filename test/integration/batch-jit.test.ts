/**
 * `dca scan` in the compiled executable replaces itself once with
 * JavaScriptCore's optimising tiers off (src/agent/cli/batch-jit.ts): the same
 * process, the option in its environment, a user's own value kept. Only the
 * compiled binary does this (`npm run test:binary`); from the sources there is
 * nothing to check.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dcaCommand, dcaMissingReason } from "../support/dca-cli.ts";
import { repoRoot } from "../support/shared-dir.ts";

const { argv } = dcaCommand();
const compiled = argv.length === 1 && !argv[0]!.endsWith(".ts") && dcaMissingReason() === undefined;

/** The environment of a running `dca scan` of one silent loopback address, read while it waits. */
async function scanEnvironment(env: Record<string, string>): Promise<{ environ: Map<string, string>; exitCode: number }> {
  // 127.0.0.2 answers nothing on port 161: the sweep waits its timeout, long enough to look.
  const base: Record<string, string | undefined> = { ...process.env };
  delete base.BUN_JSC_useDFGJIT;
  const proc = Bun.spawn([...argv, "scan", "127.0.0.2", "--sweep-timeout", "1500", "--retries", "0"], {
    cwd: repoRoot,
    env: { ...base, ...env },
    stdout: "ignore",
    stderr: "pipe",
  });
  let environ = new Map<string, string>();
  for (let i = 0; i < 20; i++) {
    await Bun.sleep(100);
    const raw = readFileSync(`/proc/${proc.pid}/environ`, "latin1");
    environ = new Map(raw.split("\0").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
    // After the re-exec the process runs its own code again; give it a moment past that.
    if (environ.has("BUN_JSC_useDFGJIT") && i >= 3) break;
  }
  return { environ, exitCode: await proc.exited };
}

describe.skipIf(!compiled)("dca scan's JIT settings (compiled binary)", () => {
  test("runs with the optimising tiers off, in the same process", async () => {
    const { environ, exitCode } = await scanEnvironment({});
    expect(environ.get("BUN_JSC_useDFGJIT")).toBe("0");
    expect(exitCode).toBe(0);
  });

  test("keeps a value the user set", async () => {
    const { environ, exitCode } = await scanEnvironment({ BUN_JSC_useDFGJIT: "1" });
    expect(environ.get("BUN_JSC_useDFGJIT")).toBe("1");
    expect(exitCode).toBe(0);
  });
});
