/**
 * One suite, run against every SNMP peer that can serve the LibreNMS recordings
 * (snmpsimd, our fleet simulator): one test per recording, then a score table.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { dcaMissingReason, runDcaRead } from "./dca-cli.ts";
import { checkRecording } from "./librenms-checks.ts";
import { readExpected } from "./librenms-expected.ts";
import { type SnmpPeer, definePeerSuite } from "./peer-suite.ts";
import { findPrinterRecordings } from "./shared-dir.ts";
import { readSnmprec } from "./snmprec.ts";

export type { SnmpPeer } from "./peer-suite.ts";

export function defineLibrenmsSuite(peer: SnmpPeer): void {
  const title = `LibreNMS printer recordings via ${peer.name}`;
  const found = findPrinterRecordings();
  if (!found.ok) {
    definePeerSuite(peer, { title, skipReason: found.reason, files: [], names: [], check: async () => ({ failures: [], command: "" }) });
    return;
  }
  const { dir, names } = found;
  definePeerSuite(peer, {
    title,
    skipReason: dcaMissingReason(),
    files: readdirSync(dir)
      .filter((f) => f.endsWith(".snmprec"))
      .map((f) => join(dir, f)),
    names,
    async check(name, agent) {
      const facts = { expected: readExpected(dir, name), entries: readSnmprec(join(dir, `${name}.snmprec`)) };
      const run = await runDcaRead(`${agent.host}:${agent.port}`, { communities: [name] });
      return { failures: run.reading ? checkRecording(facts, run.reading) : [`dca read failed: ${run.error}`], command: run.command };
    },
  });
}
