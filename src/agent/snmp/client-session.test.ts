/**
 * The shared-socket session against real agents on loopback: our simulator,
 * snmpsimd and Debian's snmpd. net-snmp's session is the reference: both must
 * read the same objects, and the shared client must use one socket for all
 * the devices it reads at once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Fleet, startFleet } from "../../../test/sim/fleet.ts";
import { freeUdpPort } from "../../../test/support/free-port.ts";
import { type SnmpAgent, snmpsimSkipReason, startSnmpsim } from "../../../test/support/snmpsim.ts";
import { secret } from "../../common/secret.ts";
import { createClientSession } from "./client-session.ts";
import { createNetSnmpSession } from "./net-snmp-session.ts";
import type { SessionTarget, SnmpSession } from "./session.ts";
import { createSnmpClient } from "./snmp-client.ts";
import { bunSocketFactory, type SocketFactory } from "../discovery/udp-transport.ts";

const fixtures = join(import.meta.dir, "../../../test/fixtures/snmprec");
const PRINTER_MIB = "1.3.6.1.2.1.43";
const SYSTEM = ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.5.0"];
const cred = (community: string, version: "v1" | "v2c" = "v2c") => ({ name: "t", version, community: secret(community) });
const text = (vbs: readonly { oid: string; tag: number; value: unknown }[]) =>
  vbs.map((v) => `${v.oid} ${v.tag} ${v.value instanceof Uint8Array ? Buffer.from(v.value).toString("hex") : String(v.value)}`);

/** A factory that counts the sockets it opens. */
function countingFactory(): { factory: SocketFactory; opened: () => number } {
  let n = 0;
  return { factory: (family, handlers) => (n++, bunSocketFactory(family, handlers)), opened: () => n };
}

/** Reads `root` and SYSTEM through both sessions and expects the same. */
async function sameAsNetSnmp(target: SessionTarget, community: string, root: string, version: "v1" | "v2c" = "v2c") {
  const client = createSnmpClient();
  const ours = createClientSession(client, target, cred(community, version));
  const ref = createNetSnmpSession(target, cred(community, version));
  try {
    const [a, b] = [await ours.walk(root), await ref.walk(root)];
    expect(a.varbinds.length).toBeGreaterThan(0);
    expect(a.stopped).toBeUndefined();
    expect(text(a.varbinds)).toEqual(text(b.varbinds));
    expect(text(await ours.get(SYSTEM))).toEqual(text(await ref.get(SYSTEM)));
    expect(ours.requestCount).toBeGreaterThan(0);
  } finally {
    ours.close();
    ref.close();
    client.close();
  }
}

describe("against the simulator", () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet({
      devices: ["color-mfp", "mono-laser", "v1-only"].map((n, i) => ({ address: `127.0.0.${21 + i}`, recording: join(fixtures, `${n}.snmprec`) })),
    });
  });
  afterAll(() => fleet.stop());

  test("v2c and v1 walks and GETs read what net-snmp reads", async () => {
    const [mfp, , v1] = fleet.devices;
    await sameAsNetSnmp({ host: mfp!.address, port: mfp!.port, timeoutMs: 1000, retries: 1 }, "public", PRINTER_MIB);
    await sameAsNetSnmp({ host: v1!.address, port: v1!.port, timeoutMs: 1000, retries: 1 }, "public", PRINTER_MIB, "v1");
  });

  test("three devices read at once through one socket, each answer to its own session", async () => {
    const { factory, opened } = countingFactory();
    const client = createSnmpClient({ socketFactory: factory });
    try {
      const sessions = fleet.devices.map((d) => createClientSession(client, { host: d.address, port: d.port, timeoutMs: 1000, retries: 1 }, cred("public", "v1")));
      const walks = await Promise.all(sessions.map((s) => s.walk(PRINTER_MIB)));
      const refs = await Promise.all(
        fleet.devices.map((d) => createNetSnmpSession({ host: d.address, port: d.port, timeoutMs: 1000, retries: 1 }, cred("public", "v1")).walk(PRINTER_MIB)),
      );
      expect(walks.map((w) => text(w.varbinds))).toEqual(refs.map((w) => text(w.varbinds)));
      expect(opened()).toBe(1);
      expect(client.counters.matched).toBe(sessions.reduce((n, s) => n + s.requestCount, 0));
    } finally {
      client.close();
    }
  });

  test("a wrong community times out, named as a timeout; a closed session refuses at once", async () => {
    const d = fleet.devices[0]!;
    const client = createSnmpClient();
    const s: SnmpSession = createClientSession(client, { host: d.address, port: d.port, timeoutMs: 100, retries: 1 }, cred("nope"));
    try {
      await expect(s.get(SYSTEM)).rejects.toMatchObject({ code: "deadline-exceeded" });
      expect(client.counters.retransmits).toBe(1);
      s.close();
      await expect(s.get(SYSTEM)).rejects.toMatchObject({ code: "canceled" });
    } finally {
      client.close();
    }
  });
});

describe.skipIf(snmpsimSkipReason() !== undefined)("against snmpsimd", () => {
  let agent: SnmpAgent;
  beforeAll(async () => {
    agent = await startSnmpsim({ files: [join(fixtures, "color-mfp.snmprec")] });
  });
  afterAll(() => agent?.stop());

  test("the Printer-MIB and the system group as net-snmp reads them", async () => {
    await sameAsNetSnmp({ host: agent.host, port: agent.port, timeoutMs: 2000, retries: 1 }, "color-mfp", PRINTER_MIB);
  });
});

describe.skipIf(!Bun.which("snmpd"))("against Debian's snmpd", () => {
  let child: ChildProcess;
  let dir: string;
  let port = 0;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "dca-snmpd-"));
    port = await freeUdpPort();
    writeFileSync(join(dir, "snmpd.conf"), "rocommunity public 127.0.0.1\ndontLogTCPWrappersConnects yes\n");
    child = spawn("snmpd", ["-f", "-Lf", join(dir, "log"), "-C", "-c", join(dir, "snmpd.conf"), "-p", join(dir, "pid"), `udp:127.0.0.1:${port}`], { stdio: "ignore" });
    const probe = createNetSnmpSession({ host: "127.0.0.1", port, timeoutMs: 200, retries: 0 }, cred("public"));
    for (let i = 0; i < 50; i++) if (await probe.get(SYSTEM).then(() => true, () => false)) break;
    probe.close();
  });
  afterAll(() => {
    child?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  test("ifDescr (v2c) and hrDeviceType (v1) as net-snmp reads them", async () => {
    const target = { host: "127.0.0.1", port, timeoutMs: 2000, retries: 1 };
    await sameAsNetSnmp(target, "public", "1.3.6.1.2.1.2.2.1.2"); // ifDescr: stable between the two walks
    await sameAsNetSnmp(target, "public", "1.3.6.1.2.1.25.3.2.1.2", "v1"); // hrDeviceType
  });
});
