/**
 * Activation guessing from many addresses against the real hub (`dca-hub serve`, default
 * limits), issue 11 item 5: 20 loopback addresses send wrong codes as fast as the hub answers
 * them, each with a fresh install id. The hub's budget over all addresses holds the codes it
 * checks to about 300 plus two a second; an honest `dca activate` from another address, started
 * while the attack runs, still activates (it waits its turn behind at most one attempt per
 * attacking address).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { guessActivationCodes, noGuesses } from "../support/attack/activation-guesser.ts";
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

describe("guessing activation codes from 20 addresses", () => {
  test("the hub checks about 300 plus two a second; an honest activation from another address still gets through", async () => {
    const stop = new AbortController();
    const counts = noGuesses();
    const started = Date.now();
    const caPem = readFileSync(hub.caPath);
    const attackers = Array.from({ length: 20 }, (_, i) =>
      guessActivationCodes({ hubUrl: hub.url, port: hub.port, caPem, localAddress: `127.0.9.${i + 1}`, stop: stop.signal, counts }),
    );
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

  test("a hub stopped during the attack stops at once: attempts waiting their turn are refused, no timer holds it", async () => {
    const stop = new AbortController();
    const counts = noGuesses();
    const caPem = readFileSync(hub.caPath);
    const attackers = Array.from({ length: 20 }, (_, i) =>
      guessActivationCodes({ hubUrl: hub.url, port: hub.port, caPem, localAddress: `127.0.10.${i + 1}`, stop: stop.signal, counts }),
    );
    // The budget is spent (the test before): attempts now wait for their turn, up to 25 s.
    const until = Date.now() + 10_000;
    while (counts.sent < 40 && Date.now() < until) await Bun.sleep(50);
    await Bun.sleep(1_000);
    const t0 = Date.now();
    await hub.stop();
    const stopMs = Date.now() - t0;
    stop.abort();
    await Promise.all(attackers);
    console.log(`stopped during the attack in ${stopMs} ms (${counts.sent} attempts sent)`);
    expect(counts.sent).toBeGreaterThanOrEqual(40);
    expect(stopMs).toBeLessThan(4_000);
  }, 60_000);
});
