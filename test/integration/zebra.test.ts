/**
 * The Zebra client against real sockets on loopback: our Zebra simulator's
 * raw port and LPD port, and Debian's BSD lpd (package `lpr`) when it is
 * installed and we are root. Nothing leaves 127.0.0.0/8.
 */
import { freeTcpPort as freePort } from "../support/free-port.ts";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import {
  CounterKind,
  CounterUnit,
} from "../../src/gen/dca/v1/reading_pb.ts";
import {
  ZebraError,
  lprSend,
  odometerCounters,
  readHostStatus,
  readOdometer,
  sgdGetvar,
  sgdSetvar,
  zebraRaw,
} from "../../src/agent/zebra/index.ts";
import { type ZebraSimulator, startZebraSimulator } from "../sim/zebra/zebra-simulator.ts";
import { defaultZebraState } from "../sim/zebra/zebra-state.ts";

const HOST = "127.0.0.1";

async function caught(p: Promise<unknown>): Promise<ZebraError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ZebraError);
    return e as ZebraError;
  }
  throw new Error("expected a ZebraError");
}

describe("raw port (9100-style) against the simulator", () => {
  let sim: ZebraSimulator;
  beforeAll(async () => {
    sim = await startZebraSimulator();
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    Object.assign(sim.state, defaultZebraState());
    sim.rawReceived.length = 0;
  });
  const opts = () => ({ port: sim.rawPort, timeoutMs: 2000 });

  test("~HS: a ready printer, then paper out, head open, paused, a batch running", async () => {
    const ready = await readHostStatus(HOST, opts());
    expect(ready).toMatchObject({ paperOut: false, headOpen: false, paused: false, labelLengthDots: 1218, printMode: "tear-off" });
    expect(sim.rawText()).toBe("~HS");
    Object.assign(sim.state, { paperOut: true, headOpen: true, paused: true, ribbonOut: true, labelsRemaining: 17, overTemp: true });
    const faulted = await readHostStatus(HOST, opts());
    expect(faulted).toMatchObject({ paperOut: true, headOpen: true, paused: true, ribbonOut: true, labelsRemaining: 17, overTemp: true, underTemp: false });
    expect(faulted.raw[2]).toBe("****,0");
  });

  test("~HQOD: the odometer as counters, in inches and after ^MA in centimetres", async () => {
    const od = await readOdometer(HOST, opts());
    expect(od.totalNonResettableInches).toBe(8560);
    expect(od.resettable.map((m) => m.inches)).toEqual([9, 8560]);
    const [total] = odometerCounters(od);
    expect([total.kind, total.unit, total.value]).toEqual([CounterKind.LENGTH, CounterUnit.INCHES, 8560n]);

    await zebraRaw(HOST, sim.rawPort, "^XA^MA,,,,C^XZ", { expectReply: false, timeoutMs: 2000 });
    const cm = await readOdometer(HOST, opts());
    expect(cm.totalNonResettableInches).toBeUndefined();
    expect(cm.totalNonResettableCm).toBe(Math.round(8560 * 2.54));
    expect(odometerCounters(cm)[0].unit).toBe(CounterUnit.CENTIMETERS);
  });

  test("ZPL sent raw is printed: labels move the odometer, ~RO1 resets counter 1", async () => {
    await zebraRaw(HOST, sim.rawPort, "^XA^FO50,50^A0N,40^FDShip to^FS^PQ3^XZ", { expectReply: false, timeoutMs: 2000 });
    const od = await readOdometer(HOST, opts());
    expect(sim.state.labelsPrinted).toBe(3);
    expect(od.totalNonResettableInches).toBe(8560 + 3 * 6);
    await zebraRaw(HOST, sim.rawPort, "~RO1", { expectReply: false, timeoutMs: 2000 });
    expect((await readOdometer(HOST, opts())).resettable[0].inches).toBe(0);
  });

  test("SGD getvar and setvar, byte for byte", async () => {
    expect(await sgdGetvar(HOST, "device.friendly_name", opts())).toBe("ZT410-SIM");
    expect(await sgdGetvar(HOST, "no.such.var", opts())).toBeUndefined();
    await sgdSetvar(HOST, "device.friendly_name", "Dock 4", opts());
    expect(await sgdGetvar(HOST, "device.friendly_name", opts())).toBe("Dock 4");
    expect(sim.rawText()).toBe(
      '! U1 getvar "device.friendly_name"\r\n! U1 getvar "no.such.var"\r\n! U1 setvar "device.friendly_name" "Dock 4"\r\n! U1 getvar "device.friendly_name"\r\n',
    );
  });

  test("names and values that would inject commands are refused before anything is sent", async () => {
    expect((await caught(sgdGetvar(HOST, 'x"\r\n~JR', opts()))).code).toBe("invalid-argument");
    const e = await caught(sgdSetvar(HOST, "wlan.password", 'secret"\r\n^XA', opts()));
    expect(e.code).toBe("invalid-argument");
    expect(e.message).not.toContain("secret");
    expect(sim.rawReceived).toHaveLength(0);
  });

  test("hostile replies: garbage ~HS, oversize, control characters, silence", async () => {
    sim.state.overrides.set("~HS", "\x02030,0,0\x1b[2J\x03\r\n\x02x\x03\r\n\x02y\x03\r\n");
    const bad = await caught(readHostStatus(HOST, opts()));
    expect(bad.code).toBe("malformed");
    expect(bad.message).toContain("string 1 has 3 fields");
    expect(bad.message).toContain("\\x1b[2J");

    sim.state.overrides.set("~HQOD", Buffer.alloc(100_000, 0x41));
    const big = await caught(readOdometer(HOST, { ...opts(), maxReplyBytes: 64 * 1024 }));
    expect(big.code).toBe("resource-exhausted");

    sim.state.overrides.set("getvar", Buffer.from('"Zebra\x1b]0;pwned\x07\u202eZT"', "utf8"));
    expect(await sgdGetvar(HOST, "device.friendly_name", opts())).toBe("Zebra]0;pwnedZT");

    sim.state.silent.add("~HS");
    const started = Date.now();
    const silent = await caught(readHostStatus(HOST, { port: sim.rawPort, timeoutMs: 300 }));
    expect(silent.code).toBe("deadline-exceeded");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test("a closed port is a connect error", async () => {
    const e = await caught(readHostStatus(HOST, { port: await freePort(), timeoutMs: 2000 }));
    expect(e.code).toBe("unavailable");
    expect(e.message).toContain("ECONNREFUSED");
  });
});

describe("LPD (515-style) against the simulator", () => {
  let sim: ZebraSimulator;
  beforeAll(async () => {
    sim = await startZebraSimulator({ lpdQueues: ["zebra"] });
  });
  afterAll(() => sim.close());

  test("a ZPL job arrives whole, with its control file, and prints", async () => {
    const zpl = "^XA^FO20,20^FDLot 42^FS^PQ2^XZ";
    const sent = await lprSend(HOST, sim.lpdPort, "zebra", zpl, { user: "alice", jobName: "labels.zpl", hostname: "pc1", jobNumber: 7 });
    expect(sent).toEqual({ controlFileName: "cfA007pc1", dataFileName: "dfA007pc1", bytes: zpl.length });
    expect(sim.jobs).toHaveLength(1);
    const [job] = sim.jobs;
    expect(job.queue).toBe("zebra");
    expect(job.control).toEqual(["Hpc1", "Palice", "Jlabels.zpl", "ldfA007pc1", "UdfA007pc1", "Nlabels.zpl"]);
    expect(Buffer.from(job.dataFiles[0].bytes).toString()).toBe(zpl);
    const wire = Buffer.from(sim.lpdReceived[0]).toString("latin1");
    expect(wire.startsWith(`\x02zebra\n\x02${job.control.join("\n").length + 1} cfA007pc1\n`)).toBe(true);
    expect(wire).toContain(`\x03${zpl.length} dfA007pc1\n${zpl}\x00`);
    expect(sim.state.labelsPrinted).toBe(2);
    expect((await readOdometer(HOST, { port: sim.rawPort })).totalNonResettableInches).toBe(8560 + 2 * 6);
  });

  test("hostile user and job names cannot add control lines", async () => {
    await lprSend(HOST, sim.lpdPort, "zebra", "^XA^XZ", { user: "bob\nUdfA000x", jobName: "a\r\nL evil", hostname: "pc\n1" });
    const job = sim.jobs.at(-1)!;
    expect(job.control).toHaveLength(6);
    expect(job.control.filter((l) => l.startsWith("U"))).toHaveLength(1);
    expect(job.control).toContain("PbobUdfA000x");
  });

  test("non-zero acknowledgements are clear errors naming the step", async () => {
    const unknown = await caught(lprSend(HOST, sim.lpdPort, "nosuch", "^XA^XZ", { timeoutMs: 2000 }));
    expect(unknown.code).toBe("permission-denied");
    expect(unknown.message).toContain('queue "nosuch" refused the receive job (acknowledgement 0x01)');
    sim.refuseLpd("data", 2);
    const data = await caught(lprSend(HOST, sim.lpdPort, "zebra", "^XA^XZ", { timeoutMs: 2000 }));
    expect(data.message).toContain("refused the data file (acknowledgement 0x02)");
    sim.refuseLpd(undefined);
    expect((await caught(lprSend(HOST, sim.lpdPort, "bad queue\n", "x"))).code).toBe("invalid-argument");
  });
});

// Debian's BSD lpd: started here on a free loopback port, stopped by its pid afterwards.
const LPD = "/usr/sbin/lpd";
const PID_FILE = "/run/lpd.pid";
const SPOOL = "/var/spool/lpd/lp"; // the "lp" queue of Debian's stock /etc/printcap
/** The pid in lpd's pid file if that process lives; a stale file (lpd killed hard) is removed. */
function runningLpd(): number | undefined {
  if (!existsSync(PID_FILE)) return undefined;
  const text = readFileSync(PID_FILE, "utf8").trim();
  // lpd creates the file, then writes its pid: an empty file is one being written, not a stale one.
  if (!/^\d+$/.test(text)) return undefined;
  const pid = Number(text);
  try {
    // A zombie (killed, not yet reaped) counts as gone.
    if (pid > 0 && !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"))) return pid;
  } catch {
    // No such process: the file is stale.
  }
  rmSync(PID_FILE, { force: true });
  return undefined;
}
/** Pids of every lpd process (the daemon forks one per connection and one per queue it prints). */
function lpdPids(): Set<number> {
  const out = new Set<number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, "utf8").trim() === "lpd") out.add(Number(d));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}
const lpdSkip = !existsSync(LPD)
  ? `${LPD} not installed (apt-get install -y lpr)`
  : process.getuid?.() !== 0
    ? "lpd needs root (it binds /dev/printer and writes /run/lpd.pid)"
    : runningLpd() !== undefined
      ? `an lpd already runs (${PID_FILE}); not touching it`
      : "";
const lpdAllowsLocalhost = existsSync("/etc/hosts.lpd") && /^(localhost|127\.0\.0\.1)\s*$/m.test(readFileSync("/etc/hosts.lpd", "utf8"));
if (lpdSkip) console.log(`skipping the real-lpd tests: ${lpdSkip}`);
else if (!lpdAllowsLocalhost)
  console.log("real lpd: /etc/hosts.lpd does not list localhost, so only its refusal is tested (add a 'localhost' line to test a job)");

describe.skipIf(lpdSkip !== "")("LPD against Debian's lpd", () => {
  let port = 0;
  let pid = 0;
  let spoolBefore = new Set<string>();
  let othersBefore = new Set<number>();
  beforeAll(async () => {
    othersBefore = lpdPids();
    port = await freePort();
    spoolBefore = new Set(existsSync(SPOOL) ? readdirSync(SPOOL) : []);
    // lpd forks into the background and writes its pid; -b keeps it on loopback.
    const started = Bun.spawnSync([LPD, "-b", HOST, String(port)]);
    const why = () => `lpd -b ${HOST} ${port}: exit ${started.exitCode}, stderr ${JSON.stringify(started.stderr.toString().slice(0, 500))}, pid file ${existsSync(PID_FILE) ? readFileSync(PID_FILE, "utf8").trim() : "absent"}`;
    if (started.exitCode !== 0) throw new Error(why());
    for (let i = 0; i < 100 && !pid; i++) {
      pid = runningLpd() ?? 0;
      if (!pid) await Bun.sleep(50);
    }
    if (!pid) throw new Error(`no running lpd after 5 s: ${why()}`);
    // The pid file comes before the listening socket: wait until lpd accepts connections.
    let listening = false;
    for (let i = 0; i < 100 && !listening; i++) {
      listening = await new Promise<boolean>((resolve) => {
        const s = net.connect({ host: HOST, port }, () => {
          s.destroy();
          resolve(true);
        });
        s.once("error", () => resolve(false));
      });
      if (!listening) await Bun.sleep(50);
    }
    if (!listening) throw new Error(`lpd (pid ${pid}) does not accept connections after 5 s: ${why()}`);
  });
  afterAll(async () => {
    try {
      if (pid) process.kill(pid, "SIGTERM");
    } catch {
      // Already gone.
    }
    // Also every child it forked: the one that tries to print the spooled job to a missing
    // device holds lpd's lock, and the next lpd started here would quietly exit.
    for (const child of lpdPids()) {
      if (othersBefore.has(child)) continue;
      try {
        process.kill(child, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    for (let i = 0; i < 40 && runningLpd() !== undefined; i++) await Bun.sleep(50);
    // Remove only what our jobs left in the spool (the queue's device does not exist here).
    if (existsSync(SPOOL)) for (const f of readdirSync(SPOOL)) if (!spoolBefore.has(f)) rmSync(`${SPOOL}/${f}`, { force: true });
  });

  test.skipIf(lpdAllowsLocalhost)("refuses a host without access, and the reason is in the error", async () => {
    const e = await caught(lprSend(HOST, port, "lp", "^XA^XZ", { timeoutMs: 5000 }));
    expect(e.code).toBe("permission-denied");
    expect(e.message).toContain("does not have line printer access");
  });

  test.skipIf(!lpdAllowsLocalhost)("accepts a job into its spool, byte for byte, and refuses an unknown queue", async () => {
    const zpl = "^XA^FO20,20^FDreal lpd^FS^XZ\r\n";
    const sent = await lprSend(HOST, port, "lp", zpl, { hostname: "dcatest", jobNumber: 314, timeoutMs: 5000 });
    const spooled = readdirSync(SPOOL);
    expect(spooled).toContain(sent.dataFileName);
    expect(readFileSync(`${SPOOL}/${sent.dataFileName}`, "latin1")).toBe(zpl);
    const cf = spooled.find((f) => f.startsWith("cfA314"));
    expect(cf).toBeDefined();
    expect(readFileSync(`${SPOOL}/${cf}`, "latin1")).toContain("ldfA314dcatest\n");
    const e = await caught(lprSend(HOST, port, "nosuch", zpl, { timeoutMs: 5000 }));
    expect(e.code).toBe("permission-denied");
  });
});
