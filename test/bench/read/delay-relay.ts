/**
 * A UDP relay that adds a fixed delay each way, for the read benchmark: the
 * kernel here has no sch_netem, so a round trip of loopback is made to look
 * like a LAN's by holding every datagram `--delay` ms before passing it on.
 *
 * It listens on --base .. --base+count-1 port --port and forwards to the same
 * address on --upstream-port (where snmpd listens). Each client endpoint gets
 * its own upstream socket per listener, so replies find their way back to
 * whichever socket asked (one shared socket, or one per net-snmp session).
 *
 *   bun test/bench/read/delay-relay.ts --base 127.10.0.1 --count 250 --port 161 --upstream-port 1161 --delay 5
 *
 * Prints {"ready":true} on stdout once every listener is bound.
 */
import type { udp } from "bun";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const base = arg("base", "127.10.0.1").split(".").map(Number);
const count = Number(arg("count", "250"));
const port = Number(arg("port", "161"));
const upstreamPort = Number(arg("upstream-port", "1161"));
const delay = Number(arg("delay", "5"));

type Sock = udp.Socket<"uint8array">;
interface Held {
  at: number;
  sock: Sock;
  bytes: Uint8Array;
  port: number;
  address: string;
}
// Every datagram waits the same time, so arrival order is due order: a FIFO and one timer.
const queue: Held[] = [];
let head = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

function flush(): void {
  timer = undefined;
  const now = performance.now();
  while (head < queue.length && queue[head]!.at <= now) {
    const h = queue[head++]!;
    h.sock.send(h.bytes, h.port, h.address);
  }
  if (head > 1024 && head * 2 > queue.length) {
    queue.splice(0, head);
    head = 0;
  }
  if (head < queue.length) timer = setTimeout(flush, Math.max(0, queue[head]!.at - performance.now()));
}

function hold(sock: Sock, bytes: Uint8Array, toPort: number, toAddress: string): void {
  queue.push({ at: performance.now() + delay, sock, bytes: bytes.slice(), port: toPort, address: toAddress });
  if (!timer) timer = setTimeout(flush, delay);
}

function addressAt(i: number): string {
  const n = ((base[0]! << 24) >>> 0) + (base[1]! << 16) + (base[2]! << 8) + base[3]! + i;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

async function listen(address: string): Promise<void> {
  const upstreams = new Map<string, Promise<Sock>>();
  const front: Sock = await Bun.udpSocket({
    hostname: address,
    port,
    binaryType: "uint8array",
    socket: {
      data(_s, bytes, fromPort, fromAddress) {
        const key = `${fromAddress}|${fromPort}`;
        let up = upstreams.get(key);
        if (!up) {
          up = Bun.udpSocket({
            hostname: address,
            binaryType: "uint8array",
            socket: { data: (_u, reply) => hold(front, reply, fromPort, fromAddress) },
          });
          upstreams.set(key, up);
        }
        const copy = bytes.slice();
        void up.then((u) => hold(u, copy, upstreamPort, address));
      },
    },
  });
}

await Promise.all(Array.from({ length: count }, (_, i) => listen(addressAt(i))));
console.log(JSON.stringify({ ready: true, listeners: count, delayMs: delay }));
