/**
 * The skeleton every recording suite shares: start one SNMP peer serving a set of
 * `.snmprec` files, one test per recording (each failing with its differences), and a
 * final score table. The suites differ only in how they check one recording.
 */
import { afterAll, beforeAll, describe, test } from "bun:test";
import { createScoreboard } from "./scoreboard.ts";
import { announceSkip } from "./shared-dir.ts";
import type { SnmpAgent } from "./snmpsim.ts";

/** Something that serves a folder's `.snmprec` files with community = file stem. */
export interface SnmpPeer {
  name: string;
  /** Set when this peer cannot run here. */
  skipReason?: string;
  start(files: readonly string[], probeCommunity: string): Promise<SnmpAgent>;
}

export interface PeerSuite {
  title: string;
  /** Why the suite cannot run here (peer, data or dca missing); it is skipped and says so. */
  skipReason?: string;
  files: readonly string[];
  names: readonly string[];
  /** Checks one recording; returns the differences and the command that was run. */
  check(name: string, agent: SnmpAgent): Promise<{ failures: string[]; command: string }>;
}

export function definePeerSuite(peer: SnmpPeer, suite: PeerSuite): void {
  const skipReason = suite.skipReason ?? peer.skipReason;
  if (skipReason) {
    announceSkip(suite.title, skipReason);
    describe.skip(suite.title, () => test("recordings", () => {}));
    return;
  }
  describe(suite.title, () => {
    const board = createScoreboard(suite.title);
    let agent: SnmpAgent | undefined;
    beforeAll(async () => {
      agent = await peer.start(suite.files, suite.names[0]);
    }, 60_000);
    afterAll(async () => {
      await agent?.stop();
    });

    for (const name of suite.names) {
      test(name, async () => {
        if (!agent) throw new Error(`${peer.name} is not running`);
        const { failures, command } = await suite.check(name, agent);
        board.record(name, failures);
        if (failures.length > 0) {
          throw new Error(`${name}: ${failures.length} difference(s)\n  - ${failures.join("\n  - ")}\n  (${command})`);
        }
      });
    }

    test("score", () => {
      console.log(board.render());
    });
  });
}
