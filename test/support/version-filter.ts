/**
 * A loopback UDP relay in front of an SNMP agent that passes only the protocol versions
 * it is told to, and drops the rest the way an old v1-only device ignores v2c: no answer
 * at all. snmpsimd itself always answers v1 and v2c, so this is how a test gets a
 * "v1-only" device.
 */
import { type Socket, createSocket } from "node:dgram";
import { readSnmpVersion } from "./snmp-probe.ts";

export interface VersionFilter {
  host: string;
  port: number;
  /** Requests dropped because of their version. */
  dropped(): number;
  stop(): Promise<void>;
}

/** Relays 127.0.0.1:<new port> → target, for messages whose version field is in `allow`. */
export function startVersionFilter(target: { host: string; port: number }, allow: readonly number[]): Promise<VersionFilter> {
  const front = createSocket("udp4");
  const upstreams = new Map<string, Socket>();
  let dropped = 0;

  // One upstream socket per client, so answers find their way back to the right client.
  function upstreamFor(address: string, port: number): Socket {
    const key = `${address}:${port}`;
    let up = upstreams.get(key);
    if (!up) {
      up = createSocket("udp4");
      up.on("message", (msg) => front.send(msg, port, address));
      up.on("error", () => {});
      upstreams.set(key, up);
    }
    return up;
  }

  front.on("message", (msg, rinfo) => {
    const version = readSnmpVersion(msg);
    if (version === undefined || !allow.includes(version)) {
      dropped++;
      return;
    }
    upstreamFor(rinfo.address, rinfo.port).send(msg, target.port, target.host);
  });

  return new Promise((resolvePromise, reject) => {
    front.once("error", reject);
    front.bind(0, "127.0.0.1", () => {
      resolvePromise({
        host: "127.0.0.1",
        port: front.address().port,
        dropped: () => dropped,
        stop: async () => {
          for (const up of upstreams.values()) up.close();
          await new Promise<void>((done) => front.close(() => done()));
        },
      });
    });
  });
}
