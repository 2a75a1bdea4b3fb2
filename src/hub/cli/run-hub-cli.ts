/**
 * Dispatches the hub's command line: `serve` runs the server; everything
 * else is an admin command on the store in the data folder.
 */
import { resolve } from "node:path";
import { UsageError } from "../../common/args.ts";
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

export async function runHubCli(argv: string[]): Promise<number> {
  try {
    const { dataDir, rest } = extractDataDir(argv);
    if (rest[0] === "serve" && (rest.includes("--help") || rest.includes("-h"))) {
      process.stdout.write(HUB_HELP);
      return 0;
    }
    if (rest[0] === "serve") return await serveCommand(rest.slice(1), dataDir);
    return await runAdminCommand(rest, {
      dataDir,
      out: (s) => process.stdout.write(s.endsWith("\n") ? s : `${s}\n`),
      err: (s) => process.stderr.write(s.endsWith("\n") ? s : `${s}\n`),
    });
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`dca-hub: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
