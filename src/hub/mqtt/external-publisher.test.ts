/**
 * The hub as a client of someone else's broker: a plain aedes on loopback
 * (MQTT over TLS with a certificate of the hub's own CA), which checks the
 * hub's login the way mosquitto would, and a subscriber in the agent's place.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { type Server, createServer as createTlsServer } from "node:tls";
import { Aedes } from "aedes";
import mqtt from "mqtt";
import { tempDataDir } from "../../../test/support/hub-store-fixtures.ts";
import { type HubTls, ensureHubTls } from "../tls/index.ts";
import { connectExternalPublisher } from "./external-publisher.ts";

let dir: string;
let tls: HubTls;
let broker: Aedes;
let server: Server;
let port: number;

beforeAll(async () => {
  dir = tempDataDir();
  tls = ensureHubTls(dir, { hostnames: ["localhost", "127.0.0.1"] });
  broker = await Aedes.createBroker({
    authenticate: (_c, user, password, done) => done(null, user === "dca-hub" ? password?.toString() === "hub-pass" : user === "sub"),
  });
  server = createTlsServer({ key: tls.key, cert: tls.cert }, (s) => broker.handle(s));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((r) => broker.close(() => r()));
  server.close();
  rmSync(dirname(dir), { recursive: true, force: true });
});

describe("external broker publisher", () => {
  test("logs in with the hub's user and publishes nudges the agent's subscriber receives", async () => {
    const sub = await mqtt.connectAsync({ protocol: "mqtts", host: "127.0.0.1", port, ca: tls.caPem, username: "sub", password: "x", protocolVersion: 4, reconnectPeriod: 0 });
    await sub.subscribeAsync("dca/agents/agt_x/wake");
    const got = new Promise<string>((r) => sub.once("message", (t, p) => r(`${t} ${p}`)));
    const lines: string[] = [];
    const pub = connectExternalPublisher({ url: `mqtts://127.0.0.1:${port}`, user: "dca-hub", password: "hub-pass", caPem: tls.caPem, log: (l) => lines.push(l) });
    try {
      const end = Date.now() + 5_000;
      for (;;) {
        try {
          await pub.publish("dca/agents/agt_x/wake", Buffer.from('{"task":"tsk_1"}'));
          break;
        } catch (e) {
          if (Date.now() > end) throw e;
          await Bun.sleep(20);
        }
      }
      expect(await got).toBe('dca/agents/agt_x/wake {"task":"tsk_1"}');
      expect(lines).toEqual([`mqtt: publishing nudges through mqtts://127.0.0.1:${port}`]);
    } finally {
      await pub.close();
      await sub.endAsync(true);
    }
  });

  test("a wrong password is reported without the password, and publishing fails fast", async () => {
    const lines: string[] = [];
    const pub = connectExternalPublisher({ url: `mqtts://127.0.0.1:${port}`, user: "dca-hub", password: "wrong-pass", caPem: tls.caPem, log: (l) => lines.push(l) });
    try {
      const end = Date.now() + 5_000;
      while (lines.length === 0 && Date.now() < end) await Bun.sleep(20);
      expect(lines[0]).toContain(`mqtt: broker mqtts://127.0.0.1:${port}:`);
      expect(lines.join("\n")).not.toContain("wrong-pass");
      await expect(pub.publish("dca/agents/agt_x/wake", Buffer.from("{}"))).rejects.toThrow("not connected to the broker");
    } finally {
      await pub.close();
    }
  });
});
