/**
 * dca against the LibreNMS printer recordings in ../shared/fixtures/printers (GPL data,
 * never copied into this repo), served by snmpsimd and by our own fleet simulator.
 * What is compared, and where dca differs from LibreNMS on purpose, is in
 * test/support/librenms-checks.ts and librenms-supply-checks.ts.
 *
 *   npx bun test test/integration/librenms-fixtures.test.ts
 *   DCA_BIN=build/out/dca npx bun test test/integration/librenms-fixtures.test.ts
 */
import { fleetPeer } from "../support/fleet-peer.ts";
import { defineLibrenmsSuite } from "../support/librenms-suite.ts";
import { snmpsimSkipReason, startSnmpsim } from "../support/snmpsim.ts";

defineLibrenmsSuite({
  name: "snmpsimd",
  skipReason: snmpsimSkipReason(),
  start: (files, probeCommunity) => startSnmpsim({ files, probeCommunity }),
});

defineLibrenmsSuite(await fleetPeer());
