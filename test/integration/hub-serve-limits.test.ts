/**
 * `dca-hub serve --max-connections-per-address N` (for a hub behind a load balancer, where every
 * agent comes from one address): the cap the real hub applies on its API port and on the embedded
 * broker's MQTT/TLS port follows the flag; a connection that never starts TLS on the MQTT port
 * is closed at the handshake deadline (10 s).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type HubProcess, hubCommand, runCommand, startHubProcess } from "../support/service-peers.ts";

let tmp: string;
let hub: HubProcess;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "dca-serve-limits-"));
  hub = await startHubProcess(join(tmp, "hub"), 0, ["--max-connections-per-address", "3"]);
}, 60_000);

afterAll(async () => {
  await hub?.kill9();
  rmSync(tmp, { recursive: true, force: true });
});

/** Opens a TCP connection from `localAddress`; resolves whether the hub closed it within `ms`. */
function closedWithin(localAddress: string, ms: number, keep: Socket[], port = hub.port): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port, localAddress });
    keep.push(s);
    s.on("error", () => {});
    s.on("close", () => resolve(true));
    setTimeout(() => resolve(false), ms);
  });
}

describe("dca-hub serve --max-connections-per-address", () => {
  test("the 4th connection from one address is closed; another address still connects", async () => {
    const keep: Socket[] = [];
    try {
      const first = await Promise.all([1, 2, 3].map(() => closedWithin("127.0.7.1", 1_000, keep)));
      expect(first).toEqual([false, false, false]);
      expect(await closedWithin("127.0.7.1", 2_000, keep)).toBe(true);
      expect(await closedWithin("127.0.7.2", 1_000, keep)).toBe(false);
    } finally {
      for (const s of keep) s.destroy();
    }
  }, 30_000);

  test("the MQTT/TLS port: the same cap per address, and no socket kept that never starts TLS", async () => {
    const mqttPort = (hub as unknown as { mqtt: { tlsPort: number } }).mqtt.tlsPort;
    expect(mqttPort).toBeGreaterThan(0);
    const keep: Socket[] = [];
    try {
      const first = await Promise.all([1, 2, 3].map(() => closedWithin("127.0.7.3", 1_000, keep, mqttPort)));
      expect(first).toEqual([false, false, false]);
      expect(await closedWithin("127.0.7.3", 2_000, keep, mqttPort)).toBe(true);
      const started = Date.now();
      expect(await closedWithin("127.0.7.4", 14_000, keep, mqttPort)).toBe(true);
      expect(Date.now() - started).toBeGreaterThan(8_000);
    } finally {
      for (const s of keep) s.destroy();
    }
  }, 30_000);

  test("a value out of range is a usage error", async () => {
    const r = await runCommand([...hubCommand(), "serve", "--data", join(tmp, "other"), "--max-connections-per-address", "0"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("--max-connections-per-address");
  });
});
