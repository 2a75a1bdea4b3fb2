/**
 * One suite, run against every SNMP peer that can serve the LibreNMS recordings
 * (snmpsimd, our fleet simulator): one test per recording, then a score table.
 */
import { afterAll, beforeAll, describe, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { dcaMissingReason, runDcaRead } from "./dca-cli.ts";
import { checkRecording } from "./librenms-checks.ts";
import { readExpected } from "./librenms-expected.ts";
import { createScoreboard } from "./scoreboard.ts";
import { announceSkip, findPrinterRecordings } from "./shared-dir.ts";
import type { SnmpAgent } from "./snmpsim.ts";
import { readSnmprec } from "./snmprec.ts";

/** Something that serves a folder's `.snmprec` files with community = file stem. */
export interface SnmpPeer {
  name: string;
  /** Set when this peer cannot run here. */
  skipReason?: string;
  start(files: readonly string[], probeCommunity: string): Promise<SnmpAgent>;
}

export function defineLibrenmsSuite(peer: SnmpPeer): void {
  const title = `LibreNMS printer recordings via ${peer.name}`;
  const found = findPrinterRecordings();
  const skipReason = !found.ok ? found.reason : (peer.skipReason ?? dcaMissingReason());
  if (!found.ok || skipReason) {
    announceSkip(title, skipReason ?? "unavailable");
    describe.skip(title, () => test("recordings", () => {}));
    return;
  }
  const { dir, names } = found;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".snmprec"))
    .map((f) => join(dir, f));

  describe(title, () => {
    const board = createScoreboard(title);
    let agent: SnmpAgent | undefined;
    beforeAll(async () => {
      agent = await peer.start(files, names[0]);
    }, 60_000);
    afterAll(async () => {
      await agent?.stop();
    });

    for (const name of names) {
      test(name, async () => {
        if (!agent) throw new Error(`${peer.name} is not running`);
        const facts = { expected: readExpected(dir, name), entries: readSnmprec(join(dir, `${name}.snmprec`)) };
        const run = await runDcaRead(`${agent.host}:${agent.port}`, { communities: [name] });
        const failures = run.reading ? checkRecording(facts, run.reading) : [`dca read failed: ${run.error}`];
        board.record(name, failures);
        if (failures.length > 0) {
          throw new Error(`${name}: ${failures.length} difference(s)\n  - ${failures.join("\n  - ")}\n  (${run.command})`);
        }
      });
    }

    test("score", () => {
      console.log(board.render());
    });
  });
}
