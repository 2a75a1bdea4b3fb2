/**
 * A hand-made fleet history for the billing tests, stored through the
 * store's own reading writer (so counter flags are raised as in a hub), for
 * the period March 2026 ([2026-03-01, 2026-04-01) UTC). Site "Acme":
 * - A (10.0.0.7): read exactly at both boundaries; total 1,000 to 2,000 (color 100 to 300).
 * - B (10.0.0.8): no read at either boundary: start interpolated between Feb 28 12:00 (5,000) and
 *   Mar 2 12:00 (5,400) = 5,100; end between Mar 31 (8,000) and Apr 2 (8,480) = 8,240; usage 3,140.
 *   It also reports a power-on count, which is never billed.
 * - C (10.0.0.9): read daily at midnight, Mar 1 to Apr 1; a new main board on Mar 13 resets its
 *   meter: 20,000 + 100/day up to 21,100 (Mar 12), then 150 + 50/day to 1,100 (Apr 1); usage 2,050.
 *   The read between, Mar 12 12:00 (c-11b), missed the counter table: the reset is found across it.
 * - D (10.0.0.10) replaced by E: D read Feb 28 (3,000), Mar 2 (3,200), Mar 10 (4,000), then never;
 *   E (new serial, same address) first read Mar 11 06:00 (10), Mar 20 (500), Apr 1 (1,200), Apr 3.
 * - F (10.0.0.11): read only in January (not billed); G (10.0.0.12): first read in April (not billed).
 * - H (10.0.0.13): not reached all month: Feb 20 (1,000) and Apr 10 (1,490): 1,090 to 1,400.
 * Site "Bravo": one device (10.1.0.7), exact at both boundaries, 50 to 80.
 */
import { CounterKind, CounterUnit } from "../../../gen/dca/v1/reading_pb.ts";
import { makeReading, outbox } from "../../../../test/support/hub-store-fixtures.ts";
import type { Agent, HubStore, Site } from "../../store/index.ts";

/** The period of the fixture. */
export const MARCH = { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") };
/** A clock time after every reading of the fixture (readings from the future are dated at arrival). */
export const AFTER_FIXTURE_MS = Date.parse("2026-04-15T00:00:00Z");

export interface BillingFleet {
  acme: Site;
  bravo: Site;
  /** Device ids by letter (A..H, and "bravo"). */
  device: Record<"A" | "B" | "C" | "D" | "E" | "F" | "G" | "H" | "bravo", string>;
}

const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso.includes("T") ? iso : `${iso}T00:00:00Z`);

interface Meters {
  /** None: the walk of the counter table failed (a partial read, with no counters at all). */
  total?: bigint;
  color?: bigint;
  powerOn?: bigint;
}

function agentOf(store: HubStore, site: Site): Agent {
  const r = store.activate({ code: store.createActivationCode(site.id).code, installId: site.name.padEnd(32, "0").slice(0, 32), hostname: site.name, agentVersion: "0.1.0", platform: "linux-x64" });
  if (!r.ok) throw new Error(r.reason);
  return r.agent;
}

/** Stores the fixture's readings (in read order) into `store`, whose clock must stand at AFTER_FIXTURE_MS or later. */
export function billingFleet(store: HubStore): BillingFleet {
  const acme = store.createSite("Acme");
  const bravo = store.createSite("Bravo");
  const agents = { acme: agentOf(store, acme), bravo: agentOf(store, bravo) };
  const read = (site: "acme" | "bravo", id: string, serial: string, address: string, when: string | number, m: Meters) => {
    const counters = [
      ...(m.color === undefined ? [] : [{ kind: CounterKind.COLOR, value: m.color }]),
      ...(m.powerOn === undefined ? [] : [{ kind: CounterKind.POWER_ON, value: m.powerOn }]),
    ];
    const reading = makeReading({ address, serial, readAt: typeof when === "number" ? when : at(when), total: m.total, counters });
    if (m.total !== undefined) {
      reading.counters[0]!.oid = "1.3.6.1.2.1.43.10.2.1.4.1.1";
      reading.counters[0]!.unit = CounterUnit.IMPRESSIONS;
    }
    store.storeReadings(agents[site], [outbox(id, reading)]);
  };

  read("acme", "a-1", "SN-A", "10.0.0.7", "2026-02-28", { total: 900n, color: 90n });
  read("acme", "a-2", "SN-A", "10.0.0.7", "2026-03-01", { total: 1000n, color: 100n });
  read("acme", "a-3", "SN-A", "10.0.0.7", "2026-03-15T12:00:00Z", { total: 1500n, color: 200n });
  read("acme", "a-4", "SN-A", "10.0.0.7", "2026-04-01", { total: 2000n, color: 300n });
  read("acme", "a-5", "SN-A", "10.0.0.7", "2026-04-02", { total: 2100n, color: 310n });

  read("acme", "b-1", "SN-B", "10.0.0.8", "2026-02-28T12:00:00Z", { total: 5000n, powerOn: 700n });
  read("acme", "b-2", "SN-B", "10.0.0.8", "2026-03-02T12:00:00Z", { total: 5400n, powerOn: 20n });
  read("acme", "b-3", "SN-B", "10.0.0.8", "2026-03-31", { total: 8000n, powerOn: 900n });
  read("acme", "b-4", "SN-B", "10.0.0.8", "2026-04-02", { total: 8480n, powerOn: 5n });

  for (let d = 0; d <= 31; d++) {
    const total = d <= 11 ? 20_000n + 100n * BigInt(d) : 150n + 50n * BigInt(d - 12);
    read("acme", `c-${d}`, "SN-C", "10.0.0.9", at("2026-03-01") + d * DAY, { total });
    if (d === 11) read("acme", "c-11b", "SN-C", "10.0.0.9", "2026-03-12T12:00:00Z", {});
  }

  read("acme", "d-1", "SN-D", "10.0.0.10", "2026-02-28", { total: 3000n });
  read("acme", "d-2", "SN-D", "10.0.0.10", "2026-03-02", { total: 3200n });
  read("acme", "d-3", "SN-D", "10.0.0.10", "2026-03-10", { total: 4000n });
  read("acme", "e-1", "SN-E", "10.0.0.10", "2026-03-11T06:00:00Z", { total: 10n });
  read("acme", "e-2", "SN-E", "10.0.0.10", "2026-03-20", { total: 500n });
  read("acme", "e-3", "SN-E", "10.0.0.10", "2026-04-01", { total: 1200n });
  read("acme", "e-4", "SN-E", "10.0.0.10", "2026-04-03", { total: 1300n });

  read("acme", "f-1", "SN-F", "10.0.0.11", "2026-01-10", { total: 100n });
  read("acme", "g-1", "SN-G", "10.0.0.12", "2026-04-05", { total: 100n });
  read("acme", "h-1", "SN-H", "10.0.0.13", "2026-02-20", { total: 1000n });
  read("acme", "h-2", "SN-H", "10.0.0.13", "2026-04-10", { total: 1490n });

  read("bravo", "x-1", "SN-X", "10.1.0.7", "2026-03-01", { total: 50n });
  read("bravo", "x-2", "SN-X", "10.1.0.7", "2026-04-01", { total: 80n });

  const bySerial = new Map(store.listDevices().map((d) => [d.serialNumber, d.id]));
  const id = (serial: string) => bySerial.get(serial) ?? "";
  return {
    acme,
    bravo,
    device: { A: id("SN-A"), B: id("SN-B"), C: id("SN-C"), D: id("SN-D"), E: id("SN-E"), F: id("SN-F"), G: id("SN-G"), H: id("SN-H"), bravo: id("SN-X") },
  };
}
