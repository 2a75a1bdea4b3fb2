/**
 * The peer of the read benchmark: what a few lines of Bun and the net-snmp
 * package do for the same printers. For each address: GET the system group,
 * then walk (GETBULK, 30 repetitions) the subtrees dca reads: ifEntry,
 * hrDeviceEntry, hrPrinterEntry, the whole Printer-MIB and the PWG counters.
 * One session per printer, 32 printers at a time (dca's default read
 * concurrency). Prints one line: printers read and varbinds fetched.
 *
 *   bun test/bench/read/net-snmp-peer.ts 127.10.0.1-127.10.0.250
 */
import snmp from "net-snmp";

const [from, to] = process.argv[2]!.split("-");
const [a, b, c, first] = from!.split(".").map(Number);
const last = Number(to!.split(".")[3]);
const addresses = Array.from({ length: last - first! + 1 }, (_, i) => `${a}.${b}.${c}.${first! + i}`);
const SYSTEM = ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.1.4.0", "1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.6.0"];
const SUBTREES = ["1.3.6.1.2.1.2.2.1", "1.3.6.1.2.1.25.3.2.1", "1.3.6.1.2.1.25.3.5.1", "1.3.6.1.2.1.43", "1.3.6.1.4.1.2699.1.3"];

let varbinds = 0;
let read = 0;
async function readOne(address: string): Promise<void> {
  const session = snmp.createSession(address, "public", { version: snmp.Version2c, timeout: 2000, retries: 1 });
  try {
    await new Promise<void>((resolve, reject) => session.get(SYSTEM, (e: Error | null, vbs: unknown[]) => (e ? reject(e) : ((varbinds += vbs.length), resolve()))));
    for (const oid of SUBTREES) {
      await new Promise<void>((resolve, reject) =>
        session.subtree(oid, 30, (vbs: unknown[]) => void (varbinds += vbs.length), (e: Error | null) => (e ? reject(e) : resolve())),
      );
    }
    read++;
  } finally {
    session.close();
  }
}

const queue = [...addresses];
await Promise.all(
  Array.from({ length: 32 }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await readOne(next).catch((e) => console.error(`${next}: ${e.message}`));
  }),
);
console.log(JSON.stringify({ read, varbinds }));
