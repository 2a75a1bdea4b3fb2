import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { AUTH_PROTOCOLS, type AuthProtocol, PRIV_PROTOCOLS, type PrivProtocol } from "./usm.ts";
import { type Fleet, type V3UserConfig, startFleet } from "./fleet.ts";
import { type ClientUser, v3Client, valueText } from "./net-snmp-client.ts";
import { loadSnmprec } from "./snmprec.ts";

// GPL test data from LibreNMS, read in place (see /work/shared/fixtures/printers/SOURCE.md).
const FIXTURES = join(import.meta.dir, "../../../shared/fixtures/printers");
const JETDIRECT = join(FIXTURES, "jetdirect_context.snmprec");
const SYS_DESCR = "1.3.6.1.2.1.1.1.0";
const AUTHS = Object.keys(AUTH_PROTOCOLS) as AuthProtocol[];
const PRIVS = Object.keys(PRIV_PROTOCOLS) as PrivProtocol[];

/** One user per combination; passwords differ per user so a mix-up cannot pass. */
function user(auth?: AuthProtocol, priv?: PrivProtocol): V3UserConfig & ClientUser {
  const name = `u-${auth ?? "none"}-${priv ?? "none"}`;
  return { name, authProtocol: auth, authKey: auth && `auth-${name}`, privProtocol: priv, privKey: priv && `priv-${name}` };
}

const users = [user(), ...AUTHS.flatMap((a) => [user(a), ...PRIVS.map((p) => user(a, p))])];
let fleet: Fleet;
const open = (u: ClientUser) => v3Client(fleet.devices[0].address, u, { port: fleet.devices[0].port, timeoutMs: 1000 });

beforeAll(async () => {
  fleet = await startFleet({ devices: [{ address: "127.77.3.1", recording: JETDIRECT, v3Users: users }] });
});

afterAll(async () => {
  await fleet.stop();
});

describe("SNMPv3 with the net-snmp client", () => {
  test.each(users.map((u) => [u.name, u] as const))("%s: discovery, then GET", async (_name, u) => {
    const c = open(u);
    const vbs = await c.get([SYS_DESCR]);
    c.close();
    expect(valueText(vbs[0])).toStartWith("HP ETHERNET MULTI-ENVIRONMENT");
  });

  test("GETNEXT, GETBULK, walk and subtree over authPriv", async () => {
    const rec = loadSnmprec(JETDIRECT);
    const c = open(user("sha256", "aes256"));
    expect((await c.getNext(["1.3.6.1.2.1.1.1"]))[0].oid).toBe(SYS_DESCR);
    const bulk = await c.getBulk([SYS_DESCR], 0, 8);
    expect(bulk.columns[0].map((v) => v.oid)).toEqual(rec.oids.slice(1, 9));
    const printerMib = rec.oids.filter((o) => o.startsWith("1.3.6.1.2.1.43."));
    expect((await c.subtree("1.3.6.1.2.1.43", 30)).map((v) => v.oid)).toEqual(printerMib);
    expect((await c.walk("1.3", 40)).map((v) => v.oid)).toEqual([...rec.oids]);
    c.close();
  });

  test("a large GETBULK comes back whole: v3 honours msgMaxSize (65507 from net-snmp), not 1472", async () => {
    const c = open(user("sha", "aes128"));
    const bulk = await c.getBulk(["1.3"], 0, 200);
    c.close();
    expect(bulk.columns[0].length).toBe(200);
  });

  test("the contextName selects the context companion", async () => {
    const d = fleet.devices[0];
    const c = v3Client(d.address, user("md5", "des"), { port: d.port, context: "Jetdirect" });
    const vbs = await c.get(["1.3.6.1.4.1.11.2.3.9.1.1.7.0"]);
    c.close();
    expect(valueText(vbs[0])).toContain("MDL:HP Color LaserJet M452nw");
  });

  test("a wrong authentication password is an error, not a timeout", async () => {
    const c = open({ ...user("sha512", "aes128"), authKey: "not-the-password" });
    await expect(c.get([SYS_DESCR])).rejects.toThrow(/Wrong Digest/);
    c.close();
  });

  test("a wrong privacy password is a decryption error", async () => {
    const c = open({ ...user("sha", "aes256c"), privKey: "not-the-password" });
    await expect(c.get([SYS_DESCR])).rejects.toThrow(/Decryption Error/);
    c.close();
  });

  test("an unknown user is reported", async () => {
    const c = open({ ...user("sha", "aes128"), name: "mallory" });
    await expect(c.get([SYS_DESCR])).rejects.toThrow(/Unknown User Name/);
    c.close();
  });

  test("no internal errors along the way", () => {
    expect(fleet.stats().internalErrors).toBe(0);
    expect(fleet.stats().reports).toBeGreaterThan(users.length);
  });
});
