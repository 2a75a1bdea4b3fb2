import { afterEach, expect, test } from "bun:test";
import { join } from "node:path";
import { WRONG_COMMUNITY } from "./fleet.ts";
import { communityClient, v3Client, valueText } from "./net-snmp-client.ts";
import { freeUdpPort } from "../support/free-port.ts";

// GPL test data from LibreNMS, read in place (see /work/shared/fixtures/printers/SOURCE.md).
const FIXTURES = join(import.meta.dir, "../../../shared/fixtures/printers");
const MAIN = join(import.meta.dir, "main.ts");
const SYS_DESCR = "1.3.6.1.2.1.1.1.0";
const children: Bun.Subprocess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
});

/** Starts the CLI and resolves with its first stdout line, parsed, plus a reader for the rest. */
async function start(args: string[]) {
  const child = Bun.spawn([process.execPath, MAIN, ...args], { stdout: "pipe", stderr: "pipe" });
  children.push(child);
  const reader = child.stdout.getReader();
  let buffered = "";
  const nextLine = async (): Promise<string> => {
    while (!buffered.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`simulator exited: ${await new Response(child.stderr).text()}`);
      buffered += new TextDecoder().decode(value);
    }
    const i = buffered.indexOf("\n");
    const line = buffered.slice(0, i);
    buffered = buffered.slice(i + 1);
    return line;
  };
  return { child, ready: JSON.parse(await nextLine()), nextLine };
}

test("serves a fleet on consecutive addresses, round-robin, and stops on SIGTERM with stats", async () => {
  const { child, ready, nextLine } = await start([
    "--recordings", `${join(FIXTURES, "xerox.snmprec")},${join(FIXTURES, "kyocera.snmprec")}`,
    "--base", "127.77.5.254",
    "--count", "4",
    "--port", "0",
    "--v3-user", "u1:sha:authpass1:aes128:privpass1",
    "--data-dir-mode", "127.77.6.1:0",
  ]);
  expect([ready.ready, ready.devices]).toEqual([true, 4]);
  expect(ready.first).toMatch(/^127\.77\.5\.254:\d+$/);
  expect(ready.last).toMatch(/^127\.77\.6\.1:\d+$/);
  const [address, port] = [ready.last.split(":")[0], Number(ready.last.split(":")[1])];
  // The 4th device (index 3) got the 2nd recording again.
  const c = communityClient(address, "public", { port });
  expect(valueText((await c.get([SYS_DESCR]))[0])).toContain("KYOCERA");
  c.close();
  const v3 = v3Client(address, { name: "u1", authProtocol: "sha", authKey: "authpass1", privProtocol: "aes128", privKey: "privpass1" }, { port });
  expect(valueText((await v3.get([SYS_DESCR]))[0])).toContain("KYOCERA");
  v3.close();
  child.kill("SIGTERM");
  const stopped = JSON.parse(await nextLine());
  expect(stopped.stopped).toBe(true);
  expect(stopped.stats.answered).toBeGreaterThanOrEqual(3);
  expect(await child.exited).toBe(0);
});

test("fault fractions pick devices deterministically", async () => {
  const { ready } = await start([
    "--recordings", join(FIXTURES, "xerox.snmprec"),
    "--base", "127.77.7.1", "--count", "50", "--port", "0",
    "--silent-fraction", "0.2", "--wrong-community-fraction", "0.2", "--seed", "7",
  ]);
  const again = await start([
    "--recordings", join(FIXTURES, "xerox.snmprec"),
    "--base", "127.77.8.1", "--count", "50", "--port", "0",
    "--silent-fraction", "0.2", "--wrong-community-fraction", "0.2", "--seed", "7",
  ]);
  expect(ready.silent).toBeGreaterThan(2);
  expect(ready.wrongCommunity).toBeGreaterThan(2);
  expect([again.ready.silent, again.ready.wrongCommunity]).toEqual([ready.silent, ready.wrongCommunity]);
  expect(WRONG_COMMUNITY).toBe("sim-wrong-community");
});

test("--hostile gives a share of the devices walks that never end; GET still answers", async () => {
  const { ready } = await start([
    "--recordings", join(FIXTURES, "xerox.snmprec"),
    "--base", "127.77.9.1", "--count", "20", "--port", String(await freeUdpPort()),
    "--hostile", "longer-oids:0.5", "--hostile", "endless,slow-walks:0.2",
  ]);
  const hostile: string[] = ready.hostile;
  const longer = hostile.filter((h) => h.endsWith(" longer-oids"));
  const endless = hostile.filter((h) => h.endsWith(" endless,slow-walks"));
  expect(longer.length).toBeGreaterThan(3);
  expect(endless.length).toBeGreaterThan(0);
  const port = Number(ready.first.split(":")[1]);
  const at = (h: string) => communityClient(h.split(" ")[0]!, "public", { port, timeoutMs: 2000 });
  const c = at(longer[0]!);
  expect(valueText((await c.get([SYS_DESCR]))[0])).toContain("Xerox");
  const table = "1.3.6.1.2.1.43.11.1.1";
  expect((await c.getNext([table]))[0].oid).toBe(`${table}.1`);
  expect((await c.getNext([`${table}.1.1.1`]))[0].oid).toBe(`${table}.1.1.1.1`);
  c.close();
  const e = at(endless[0]!);
  const t0 = performance.now();
  expect((await e.getNext([`${table}.1.1`]))[0].oid).toBe(`${table}.1.2`);
  expect(performance.now() - t0).toBeGreaterThan(450);
  expect((await e.getNext([`${table}.1.200`]))[0].oid).toBe(`${table}.1.201`);
  e.close();
});

test.each([
  [["--recordings", FIXTURES, "--hostile", "nasty"], /--hostile: unknown hostile mode "nasty"; use one of wrong-port, wrong-address, echo, longer-oids, endless, slow, slow-walks/],
  [["--recordings", FIXTURES, "--base", "10.1.2.3"], /only uses 127\.0\.0\.0\/8 or ::1/],
  [["--recordings", FIXTURES, "--base", "127.255.255.250", "--count", "10"], /leave 127\.0\.0\.0\/8/],
  [["--recordings", FIXTURES, "--data-dir-mode", "192.168.0.1:161"], /only uses 127/],
  [["--recordings", FIXTURES, "--loss", "2"], /--loss must be within 0\.\.1/],
  [["--recordings", FIXTURES, "--frobnicate"], /Unknown option '--frobnicate'/],
  [["--base", "127.0.0.1"], /--recordings is required/],
])("refuses %j", async (args, message) => {
  const child = Bun.spawn([process.execPath, MAIN, ...args], { stdout: "pipe", stderr: "pipe" });
  children.push(child);
  expect(await child.exited).toBe(2);
  expect(await new Response(child.stderr).text()).toMatch(message);
});
