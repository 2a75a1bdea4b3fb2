/**
 * Runs `dca-hub` admin commands in-process against an admin harness
 * (test/support/admin-harness.ts), collecting what they print.
 */
import { DcaError } from "../../src/common/errors.ts";
import type { AdminClient } from "../../src/hub/admin/admin-client.ts";
import { runAdminCommand } from "../../src/hub/admin/index.ts";
import type { AdminHarness } from "./admin-harness.ts";

/** What one command printed and its exit code. */
export interface AdminRun {
  code: number;
  out: string;
  err: string;
}

/** Who a command runs as, with what environment and prompt answers. */
export interface AdminRunOptions {
  /** Whom the command runs as (the harness's owner by default). */
  api?: AdminClient;
  env?: Record<string, string | undefined>;
  /** Answers to secret prompts, in order. */
  answers?: string[];
}

/** A `run(...argv)` for the harness; `everything` collects all output (to look for secrets). */
export function adminRun(h: AdminHarness, defaults: AdminRunOptions = {}) {
  const everything: string[] = [];
  async function run(argv: string[], opts: AdminRunOptions = {}): Promise<AdminRun> {
    let out = "";
    let err = "";
    const answers = [...(opts.answers ?? defaults.answers ?? [])];
    const code = await runAdminCommand(argv, {
      dataDir: h.dataDir,
      clock: h.clock,
      api: opts.api ?? defaults.api ?? h.api,
      env: opts.env ?? defaults.env ?? {},
      promptSecret: async () => {
        const a = answers.shift();
        if (a === undefined) throw new DcaError("usage", "no terminal to type at (the test gave no answer)");
        return a;
      },
      out: (s) => void (out += s),
      err: (s) => void (err += s),
    });
    everything.push(out, err);
    return { code, out, err };
  }
  return { run: (...argv: string[]) => run(argv), runWith: (opts: AdminRunOptions, ...argv: string[]) => run(argv, opts), everything };
}
