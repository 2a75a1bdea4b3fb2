/**
 * Fills a new hub data folder with a year of a big fleet, for the fleet
 * views' and the portal's benchmarks: N sites with an agent each, 10,000
 * devices (fleet-model.ts) and one reading per device per day: 3.65 M
 * readings for a year. Sites and agents go through the store as the hub
 * makes them; readings are written on a fast path (prepared statements,
 * one transaction per day, the rollback journal while loading) as the real
 * reading messages in protobuf binary, with the devices rows and counter
 * flags the hub itself would have made of them (summarise and
 * compareCounters are the hub's own). Then the folder is a hub's again
 * (WAL) and `dca-hub serve --data DIR` serves it.
 *
 *   bun test/bench/fleet/generate.ts --data DIR [--sites 20] [--devices 10000] [--days 365] [--seed 1] [--end ISO-TIME]
 *
 * --end is the time of the last day's reads (default: now); people are not
 * made here: `dca-hub admin-local --data DIR owner create NAME`.
 */
import { Database } from "bun:sqlite";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { clone, toBinary } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { DeviceReadingSchema } from "../../../src/gen/dca/v1/reading_pb.ts";
import { compareCounters, lastKnownCounters } from "../../../src/hub/store/counter-flags.ts";
import { macKey, serialKey, summarise } from "../../../src/hub/store/device-identity.ts";
import { newId } from "../../../src/hub/store/ids.ts";
import { HUB_DB_FILE, openHubStore } from "../../../src/hub/store/index.ts";
import { createUuidv7 } from "../../../src/agent/outbox/uuidv7.ts";
import { advanceDay, readTimeOf, seededRandom, simDevice } from "./fleet-model.ts";

const { values: v } = parseArgs({
  options: {
    data: { type: "string" },
    sites: { type: "string", default: "20" },
    devices: { type: "string", default: "10000" },
    days: { type: "string", default: "365" },
    seed: { type: "string", default: "1" },
    end: { type: "string" },
  },
  strict: true,
});
if (!v.data) throw new Error("--data DIR is required (a folder without a hub.db)");
const dataDir = v.data;
if (existsSync(join(dataDir, HUB_DB_FILE))) throw new Error(`${dataDir} already holds a hub.db; give a new folder`);
const SITES = Number(v.sites);
const DEVICES = Number(v.devices);
const DAYS = Number(v.days);
const DAY = 86_400_000;
const end = v.end ? Date.parse(v.end) : Date.now();
const firstDay = end - DAYS * DAY + 60_000;
const random = seededRandom(Number(v.seed));
const t0 = performance.now();
const seconds = () => ((performance.now() - t0) / 1000).toFixed(1);

// Sites and agents as the hub makes them; each agent polled a minute before the end (a few long ago).
const store = openHubStore(dataDir, { clock: { now: () => end } });
const sites = Array.from({ length: SITES }, (_, i) => {
  const site = store.createSite(`Customer ${String(i + 1).padStart(3, "0")}`);
  const r = store.activate({ code: store.createActivationCode(site.id).code, installId: `bench${i}`.padEnd(32, "0"), hostname: `site${i + 1}-pc`, agentVersion: "0.1.0", platform: "linux-x64" });
  if (!r.ok) throw new Error(r.reason);
  return { site, agent: r.agent };
});
store.close();

const db = new Database(join(dataDir, HUB_DB_FILE), { strict: true });
// Loading only: no WAL (it would hold every page twice), no fsync, a large page cache.
db.run("PRAGMA journal_mode = DELETE");
db.run("PRAGMA synchronous = OFF");
db.run("PRAGMA cache_size = -524288");
const insertReading = db.prepare(
  "INSERT INTO readings (id, device_id, agent_id, site_id, seq, task_id, read_at, received_at, address, data) VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, ?)",
);
const insertFlag = db.prepare("INSERT INTO counter_flags (device_id, site_id, reading_id, kind, name, previous, value, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
const perSite = Math.ceil(DEVICES / SITES);
const devices = Array.from({ length: DEVICES }, (_, i) => ({ id: newId("dev"), sim: simDevice(i, Math.floor(i / perSite), perSite, DAYS, random), first: 0, lastId: "", count: 0 }));
let readAt = 0;
const ids = createUuidv7(() => readAt);
const seq = new Map<string, number>();
let readings = 0;
let bytes = 0;
let flags = 0;

for (let day = 0; day < DAYS; day++) {
  db.transaction(() => {
    for (const d of devices) {
      const at = readTimeOf(firstDay, day, d.sim.index, DEVICES);
      const before = day === d.sim.resetDay ? clone(DeviceReadingSchema, d.sim.reading) : undefined;
      if (!advanceDay(d.sim, day, DAYS, at, random)) continue;
      const { site, agent } = sites[d.sim.siteIndex]!;
      readAt = at;
      const id = ids();
      const data = toBinary(DeviceReadingSchema, d.sim.reading);
      const n = (seq.get(agent.id) ?? 0) + 1;
      seq.set(agent.id, n);
      insertReading.run(id, d.id, agent.id, site.id, n, at, at + 30_000, d.sim.reading.address, data);
      if (before) {
        for (const c of compareCounters(lastKnownCounters(d.sim.reading, at, [{ readAt: at - DAY, decode: () => before }]), d.sim.reading, at)) {
          insertFlag.run(d.id, site.id, id, c.kind, c.name, c.previous.toString(), c.value.toString(), c.reason, at);
          flags++;
        }
      }
      if (d.count++ === 0) d.first = at;
      d.lastId = id;
      readings++;
      bytes += data.length;
    }
  })();
  if ((day + 1) % 30 === 0 || day === DAYS - 1) console.error(`day ${day + 1}/${DAYS}: ${readings.toLocaleString("en")} readings, ${seconds()} s`);
}
const loaded = seconds();

// The devices rows as the hub's applyReading leaves them after each device's newest reading.
const insertDevice = db.prepare(
  `INSERT INTO devices (id, site_id, created_at, vendor, model, serial_number, serial_key, mac_address, mac_key, address, last_read_at, last_reading_id,
     total_pages, lowest_supply_description, lowest_supply_percent, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
db.transaction(() => {
  for (const d of devices) {
    const r = d.sim.reading;
    const s = summarise(r);
    const readMs = timestampMs(r.readAt!);
    const site = sites[d.sim.siteIndex]!.site;
    insertDevice.run(d.id, site.id, d.first, r.vendor, r.model, r.serialNumber, serialKey(r.serialNumber), r.macAddress, macKey(r.macAddress), r.address, readMs, d.lastId,
      s.totalPages ?? null, s.lowestSupply?.description ?? null, s.lowestSupply?.percent ?? null, s.status);
  }
  for (const [i, { agent }] of sites.entries()) {
    // Agents poll every 5 minutes; every tenth site's agent has been silent for two hours.
    const polled = end - (i % 10 === 9 ? 2 * 3_600_000 : 60_000);
    db.run("UPDATE agents SET readings_received = ?, last_poll_at = ?, outbox_depth = ? WHERE id = ?", [seq.get(agent.id) ?? 0, polled, i % 7, agent.id]);
  }
})();
// Readings arrive before their device row exists on this path: the foreign keys hold now that both are in.
const broken = db.query<{ n: number }, []>("SELECT count(*) AS n FROM pragma_foreign_key_check('readings')").get()?.n ?? 0;
if (broken) throw new Error(`${broken} readings point at nothing`);
db.run("PRAGMA journal_mode = WAL");
db.close();
const size = statSync(join(dataDir, HUB_DB_FILE)).size;
console.log(
  JSON.stringify({
    dataDir,
    sites: SITES,
    devices: DEVICES,
    days: DAYS,
    readings,
    counterFlags: flags,
    avgReadingBytes: Math.round(bytes / readings),
    end: new Date(end).toISOString(),
    loadSeconds: Number(loaded),
    totalSeconds: Number(seconds()),
    dbBytes: size,
    dbMB: Math.round(size / 1024 / 1024),
  }),
);
