/**
 * dca against the repo's own made-up recordings in test/fixtures/snmprec (see the README
 * there): each `<name>.snmprec` is served on loopback and `dca read --json` must match
 * `<name>.expected.json`. Needs snmpsimd, not ../shared, so `npm test` always means
 * something. Run against snmpsimd and, once it exists, our fleet simulator.
 *
 *   npx bun test test/integration/own-fixtures.test.ts
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { dcaMissingReason, runDcaRead } from "../support/dca-cli.ts";
import { fleetPeer } from "../support/fleet-peer.ts";
import { type SnmpPeer, definePeerSuite } from "../support/peer-suite.ts";
import { matchPartial } from "../support/partial-match.ts";
import { repoRoot } from "../support/shared-dir.ts";
import { SnmpWireVersion } from "../support/snmp-probe.ts";
import { snmpsimSkipReason, startSnmpsim } from "../support/snmpsim.ts";
import { startVersionFilter } from "../support/version-filter.ts";

const FIXTURES = join(repoRoot, "test", "fixtures", "snmprec");

interface FixtureExpectation {
  about: string;
  communities: string[];
  args?: string[];
  /** Versions the device answers; others are dropped unanswered. Default: all. */
  agentVersions?: (keyof typeof SnmpWireVersion)[];
  reading: Record<string, unknown>;
}

const names = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".expected.json"))
  .map((f) => f.slice(0, -".expected.json".length))
  .sort();

function expectationOf(name: string): FixtureExpectation {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.expected.json`), "utf8")) as FixtureExpectation;
}

function defineOwnFixtureSuite(peer: SnmpPeer): void {
  definePeerSuite(peer, {
    title: `own fixtures via ${peer.name}`,
    skipReason: dcaMissingReason(),
    files: readdirSync(FIXTURES)
      .filter((f) => f.endsWith(".snmprec"))
      .map((f) => join(FIXTURES, f)),
    names,
    async check(name, agent) {
      const want = expectationOf(name);
      const filter = want.agentVersions
        ? await startVersionFilter(agent, want.agentVersions.map((v) => SnmpWireVersion[v]))
        : undefined;
      try {
        const target = filter ?? agent;
        const run = await runDcaRead(`${target.host}:${target.port}`, { communities: want.communities, extraArgs: want.args });
        return { failures: run.reading ? matchPartial(want.reading, run.reading) : [`dca read failed: ${run.error}`], command: run.command };
      } finally {
        await filter?.stop();
      }
    },
  });
}

defineOwnFixtureSuite({
  name: "snmpsimd",
  skipReason: snmpsimSkipReason(),
  start: (files, probeCommunity) => startSnmpsim({ files, probeCommunity }),
});

defineOwnFixtureSuite(await fleetPeer());
