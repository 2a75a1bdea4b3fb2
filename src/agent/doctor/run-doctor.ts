/**
 * `dca doctor`'s checks, in the table's order. Independent lines run at
 * once (the hub, the wake-up line, the state folder, ICMP, the printer);
 * along the hub's line each step needs the one before (a name, a
 * connection, TLS, then the API), so a failure there marks what follows
 * as not checked instead of failing it again in other words.
 */
import { type CheckResult, blocked, runCheck } from "./check-result.ts";
import type { DoctorSetup } from "./doctor-setup.ts";
import { type HubTime, checkClock, checkHubApi } from "./hub-api-check.ts";
import { checkHubDns, checkHubTcp, checkProxy } from "./hub-reach-checks.ts";
import { type HubTlsState, checkHubCertificate, checkHubHttp2, checkHubTls } from "./hub-tls-checks.ts";
import { checkIcmp } from "./icmp-check.ts";
import { mqttChecks } from "./mqtt-checks.ts";
import { checkBinaryIntegrity } from "./pending-checks.ts";
import { checkSshRelay } from "./ssh-relay-check.ts";
import { checkUpdateUrl } from "./update-url-check.ts";
import { checkSnmp } from "./snmp-check.ts";
import { checkStateFolder } from "./state-folder-check.ts";

/** The whole table. */
export interface DoctorReport {
  ok: boolean;
  hub: string;
  checks: CheckResult[];
}

/** Runs every check; resolves when all are done (each is bounded in time). */
export async function runDoctor(s: DoctorSetup): Promise<DoctorReport> {
  let caKnown!: (ca: string | undefined) => void;
  const caPem = new Promise<string | undefined>((r) => (caKnown = r));
  const hubRows = hubLine(s, caKnown);
  const [hub, mqtt, state, icmp, snmp] = await Promise.all([
    hubRows,
    mqttChecks(s, caPem),
    runCheck("state-folder", "state folder", () => checkStateFolder(s.stateDir)),
    runCheck("icmp", "ICMP permission", () => checkIcmp()),
    runCheck("snmp", "SNMP to the printer", (ctx) => checkSnmp(s, ctx), { timeoutMs: 5_000 }),
  ]);
  const checks = [
    ...hub,
    ...mqtt,
    await runCheck("update-url", "update URL", async (ctx) => checkUpdateUrl(s, ctx, await caPem)),
    await runCheck("ssh-relay", "SSH relay", async (ctx) => checkSshRelay(s, ctx, await caPem)),
    state,
    await runCheck("binary-integrity", "binary integrity", () => checkBinaryIntegrity()),
    icmp,
    snmp,
  ];
  return { ok: checks.every((c) => c.status !== "fail"), hub: s.hub.origin, checks };
}

/** The hub's line, step by step; `caKnown` hears the CA the agent trusts once TLS has found it. */
async function hubLine(s: DoctorSetup, caKnown: (ca: string | undefined) => void): Promise<CheckResult[]> {
  const rows: CheckResult[] = [];
  const tls: HubTlsState = {};
  try {
    rows.push(await runCheck("hub-dns", `DNS: ${s.hub.host}`, (ctx) => checkHubDns(s, ctx)));
    rows.push(await runCheck("proxy", "proxy", (ctx) => checkProxy(s, ctx)));
    rows.push(await runCheck("hub-tcp", `TCP to ${s.hub.authority}`, (ctx) => checkHubTcp(s, ctx)));
    const failed = rows.find((r) => r.status === "fail");
    const later: [string, string][] = [
      ["hub-tls", "TLS to the hub"],
      ["hub-certificate", "hub certificate"],
      ["hub-http2", "HTTP/2"],
      ["hub-api", "hub API"],
      ["clock", "clock against the hub"],
    ];
    if (failed) {
      caKnown(s.caPem);
      return [...rows, ...later.map(([id, title]) => blocked(id, title, failed.title))];
    }
    const tlsRow = await runCheck("hub-tls", "TLS to the hub", (ctx) => checkHubTls(s, ctx, tls));
    caKnown(tls.caPem ?? s.caPem);
    rows.push(tlsRow);
    if (tlsRow.status === "fail") return [...rows, ...later.slice(1).map(([id, title]) => blocked(id, title, tlsRow.title))];
    rows.push(await runCheck("hub-certificate", "hub certificate", () => checkHubCertificate(s, tls)));
    const h2 = await runCheck("hub-http2", "HTTP/2", () => checkHubHttp2(s, tls));
    rows.push(h2);
    tls.socket?.destroy();
    if (h2.status === "fail") return [...rows, ...later.slice(3).map(([id, title]) => blocked(id, title, h2.title))];
    const time: HubTime = { sentAt: 0, receivedAt: 0 };
    rows.push(await runCheck("hub-api", "hub API", (ctx) => checkHubApi(s, ctx, tls.caPem, time)));
    rows.push(await runCheck("clock", "clock against the hub", () => checkClock(time)));
    return rows;
  } finally {
    caKnown(s.caPem);
    tls.socket?.destroy();
  }
}
