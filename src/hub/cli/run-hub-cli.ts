/**
 * Dispatches the hub's command line: `serve` runs the server; everything
 * else is an admin command on the store in the data folder. A failure ends
 * as one line and the exit code of its error's code, never a stack trace.
 */
import { resolve } from "node:path";
import { UsageError } from "../../common/args.ts";
import { reportFailure } from "../../common/report-failure.ts";
import { runAdminCommand } from "../admin/index.ts";
import { HUB_HELP } from "./help.ts";
import { serveCommand } from "./serve-command.ts";

/** Takes `--data DIR` (or --data=DIR) out of argv. */
export function extractDataDir(argv: readonly string[]): { dataDir: string; rest: string[] } {
  const rest: string[] = [];
  let dataDir = process.env.DCA_HUB_DATA || "dca-hub-data";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--data") {
      const v = argv[++i];
      if (!v) throw new UsageError("--data needs a folder");
      dataDir = v;
    } else if (a.startsWith("--data=")) dataDir = a.slice(7);
    else rest.push(a);
  }
  return { dataDir: resolve(dataDir), rest };
}

/** Runs one command; returns its exit code (EXIT_CODES: 0 ok, 1 failed, 2 usage or configuration). */
export async function runHubCli(argv: string[]): Promise<number> {
  let prefix = "dca-hub";
  try {
    const { dataDir, rest } = extractDataDir(argv);
    if (rest[0] !== "serve") {
      return await runAdminCommand(rest, {
        dataDir,
        out: (s) => process.stdout.write(s.endsWith("\n") ? s : `${s}\n`),
        err: (s) => process.stderr.write(s.endsWith("\n") ? s : `${s}\n`),
      });
    }
    prefix = "dca-hub serve";
    if (rest.includes("--help") || rest.includes("-h")) {
      process.stdout.write(HUB_HELP);
      return 0;
    }
    return await serveCommand(rest.slice(1), dataDir);
  } catch (e) {
    return reportFailure(e, { prefix, usage: `(see "${prefix} --help")`, write: (s) => process.stderr.write(s) });
  }
}
