/**
 * dca against the repo's own made-up recordings in test/fixtures/snmprec (see the README
 * there): each `<name>.snmprec` is served on loopback and `dca read --json` must match
 * `<name>.expected.json`. Needs snmpsimd, not ../shared, so `npm test` always means
 * something. Run against snmpsimd and, once it exists, our fleet simulator.
 *
 *   npx bun test test/integration/own-fixtures.test.ts
 */
import { afterAll, beforeAll, describe, test } from "bun:test";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { dcaMissingReason, runDcaRead } from "../support/dca-cli.ts";
import { fleetPeer } from "../support/fleet-peer.ts";
import type { SnmpPeer } from "../support/librenms-suite.ts";
import { matchPartial } from "../support/partial-match.ts";
import { createScoreboard } from "../support/scoreboard.ts";
import { announceSkip, repoRoot } from "../support/shared-dir.ts";
import { SnmpWireVersion } from "../support/snmp-probe.ts";
import { type SnmpAgent, snmpsimSkipReason, startSnmpsim } from "../support/snmpsim.ts";
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
  const title = `own fixtures via ${peer.name}`;
  const skipReason = peer.skipReason ?? dcaMissingReason();
  if (skipReason) {
    announceSkip(title, skipReason);
    describe.skip(title, () => test("fixtures", () => {}));
    return;
  }
  describe(title, () => {
    const board = createScoreboard(title);
    let agent: SnmpAgent | undefined;
    beforeAll(async () => {
      const files = readdirSync(FIXTURES)
        .filter((f) => f.endsWith(".snmprec"))
        .map((f) => join(FIXTURES, f));
      agent = await peer.start(files, names[0]);
    }, 60_000);
    afterAll(async () => {
      await agent?.stop();
    });

    for (const name of names) {
      test(name, async () => {
        if (!agent) throw new Error(`${peer.name} is not running`);
        const want = expectationOf(name);
        const filter = want.agentVersions
          ? await startVersionFilter(agent, want.agentVersions.map((v) => SnmpWireVersion[v]))
          : undefined;
        try {
          const target = filter ?? agent;
          const run = await runDcaRead(`${target.host}:${target.port}`, { communities: want.communities, extraArgs: want.args });
          const failures = run.reading ? matchPartial(want.reading, run.reading) : [`dca read failed: ${run.error}`];
          board.record(name, failures);
          if (failures.length > 0) {
            throw new Error(`${name}: ${failures.length} difference(s)\n  - ${failures.join("\n  - ")}\n  (${run.command})`);
          }
        } finally {
          await filter?.stop();
        }
      });
    }

    test("score", () => {
      console.log(board.render());
    });
  });
}

defineOwnFixtureSuite({
  name: "snmpsimd",
  skipReason: snmpsimSkipReason(),
  start: (files, probeCommunity) => startSnmpsim({ files, probeCommunity }),
});

defineOwnFixtureSuite(await fleetPeer());
