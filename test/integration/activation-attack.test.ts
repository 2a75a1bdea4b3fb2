/**
 * Activation guessing from many addresses against the real hub (`dca-hub serve`, default
 * limits), issue 11 item 5: 20 loopback addresses send wrong codes as fast as the hub answers
 * them, each with a fresh install id. The hub's budget over all addresses holds the codes it
 * checks to about 300 plus two a second; an honest `dca activate` from another address, started
 * while the attack runs, still activates (it waits its turn behind at most one attempt per
 * attacking address).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http2 from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as netConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { create, toBinary } from "@bufbuild/protobuf";
import { ActivateRequestSchema } from "../../src/gen/dca/v1/agent_service_pb.ts";
import { type HubProcess, activateAgent, startHubProcess } from "../support/service-peers.ts";

let tmp: string;
let hub: HubProcess;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "dca-activation-attack-"));
  hub = await startHubProcess(join(tmp, "hub"));
  await hub.must("site", "create", "Acme");
}, 60_000);

afterAll(async () => {
  await hub?.kill9();
  rmSync(tmp, { recursive: true, force: true });
});

/** One attacker: an HTTP/2 connection from `localAddress`, one guess at a time until `stop`. */
async function attack(localAddress: string, stop: AbortSignal, counts: { sent: number; refusedUnchecked: number; checked: number }) {
  const ca = readFileSync(hub.caPath);
  const session = http2.connect(hub.url, {
    createConnection: () =>
      tlsConnect({ socket: netConnect({ host: "127.0.0.1", port: hub.port, localAddress }), ca, servername: "localhost", ALPNProtocols: ["h2"] }),
  });
  session.on("error", () => {});
  try {
    while (!stop.aborted) {
      const body = toBinary(
        ActivateRequestSchema,
        create(ActivateRequestSchema, { code: "WRNG-CODE", installId: randomBytes(16).toString("hex"), hostname: "guesser", agentVersion: "0", platform: "linux-x64" }),
      );
      const status = await new Promise<string>((resolve) => {
        const req = session.request({ ":method": "POST", ":path": "/dca.v1.AgentService/Activate", "content-type": "application/proto" });
        let code = "";
        req.on("response", (h) => (code = String(h["connect-code"] ?? h[":status"])));
        req.on("data", (d: Buffer) => (code += d.toString().includes("slowly") ? " slowly" : ""));
        req.on("end", () => resolve(code));
        req.on("error", () => resolve("error"));
        req.end(body);
      });
      counts.sent++;
      if (status.includes("slowly")) counts.refusedUnchecked++;
      else if (status.startsWith("403") || status.startsWith("permission")) counts.checked++;
      else if (!status.startsWith("429")) await Bun.sleep(10); // per-address limit or a failure: do not spin
      if (status.startsWith("429") && !status.includes("slowly")) await Bun.sleep(50);
    }
  } finally {
    session.close();
  }
}

describe("guessing activation codes from 20 addresses", () => {
  test("the hub checks about 300 plus two a second; an honest activation from another address still gets through", async () => {
    const stop = new AbortController();
    const counts = { sent: 0, refusedUnchecked: 0, checked: 0 };
    const started = Date.now();
    const attackers = Array.from({ length: 20 }, (_, i) => attack(`127.0.9.${i + 1}`, stop.signal, counts));
    // Let the attack spend the budget first.
    while (counts.checked < 300 && Date.now() - started < 30_000) await Bun.sleep(50);
    const code = JSON.parse(await hub.must("code", "create", "Acme", "--json")).code as string;
    const honestStart = Date.now();
    const honest = await activateAgent(hub, join(tmp, "honest"), code);
    const honestMs = Date.now() - honestStart;
    stop.abort();
    await Promise.all(attackers);
    const seconds = (Date.now() - started) / 1000;
    console.log(`attack: ${counts.sent} sent, ${counts.checked} checked, ${counts.refusedUnchecked} refused unchecked in ${seconds.toFixed(1)} s; honest activation took ${honestMs} ms`);
    expect(honest.stderr).toBe("");
    expect(honest.exitCode).toBe(0);
    expect(honestMs).toBeLessThan(25_000);
    // The hub's own record: one install row per checked guess.
    const installs = JSON.parse(await hub.must("install", "list", "--json")) as unknown[];
    expect(installs.length).toBeLessThanOrEqual(300 + 2 * Math.ceil(seconds) + 25);
    expect(counts.checked).toBeGreaterThanOrEqual(300);
  }, 90_000);
});
