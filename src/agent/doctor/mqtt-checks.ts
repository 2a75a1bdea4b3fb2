/**
 * The MQTT wake-up line, one row per broker URL the hub gives the agent
 * (usually MQTT over WebSocket on the hub's port and MQTT over TLS on
 * 8883), each tried as the agent tries it (connectBroker: the same proxy
 * choice, trust and pin), logging in with the agent's id and secret and
 * subscribing to its topic. Before activation there is no login to try: a
 * broker that answers and refuses a made-up login passes. A running agent
 * on the same broker is pushed off for the moment of each login (one
 * session per client id) and comes back within seconds, polling at once.
 */
import { randomBytes } from "node:crypto";
import { DcaError } from "../../common/errors.ts";
import { type BrokerLogin, type BrokerRoute, brokerRoutes, connectBroker } from "../wake/index.ts";
import { type CheckContext, type CheckOutcome, type CheckResult, fail, pass, runCheck } from "./check-result.ts";
import type { DoctorSetup } from "./doctor-setup.ts";

/** The rows of the wake-up line; `caPem` resolves once the hub's TLS step knows the CA (a pin alone needs fetching). */
export async function mqttChecks(s: DoctorSetup, caPem: Promise<string | undefined>): Promise<CheckResult[]> {
  const { settings, source } = s.wake;
  if (settings === "none") return [{ id: "mqtt", title: "MQTT wake-ups", status: "skip", message: `not checked: ${source}; the agent polls only` }];
  const bad: string[] = [];
  const routes = brokerRoutes(settings.urls, s.proxyUrl ? { url: s.proxyUrl } : undefined, undefined, (why) => bad.push(why));
  const login: BrokerLogin = s.identity
    ? { username: settings.username, clientId: settings.clientId, password: s.identity.secret, topic: settings.topic }
    : { username: "dca-doctor", clientId: `dca-doctor-${randomBytes(4).toString("hex")}`, password: "-", topic: "dca/doctor" };
  const ca = await caPem;
  const seen = new Map<string, number>();
  const rows: CheckResult[] = [];
  // One after the other: the broker keeps one session per client id, and a second login would push the first off.
  for (const route of routes) {
    const n = (seen.get(route.address.protocol) ?? 0) + 1;
    seen.set(route.address.protocol, n);
    const id = `mqtt-${route.address.protocol}${n > 1 ? `-${n}` : ""}`;
    rows.push(await runCheck(id, `MQTT ${route.address.label}`, (ctx) => checkBroker(s, route, login, ca, ctx, source)));
  }
  for (const why of bad) rows.push({ id: "mqtt-url", title: "MQTT wake-ups", status: "fail", message: `a broker URL from the hub is unusable: ${why}`, action: "check the hub's --mqtt-public-url" });
  return rows;
}

async function checkBroker(s: DoctorSetup, route: BrokerRoute, login: BrokerLogin, caPem: string | undefined, ctx: CheckContext, source: string): Promise<CheckOutcome> {
  const { address } = route;
  const via = route.proxy ? ` through the proxy ${route.proxy.label}` : "";
  try {
    const client = await connectBroker({ address, login, caPem, pin: s.pin, proxy: route.proxy, timeoutMs: ctx.timeoutMs, signal: ctx.signal });
    client.end(true);
    return pass(`logged in${via} and subscribed to the agent's topic (${source})`);
  } catch (e) {
    const err = DcaError.from(e);
    if (!s.identity && err.code === "permission-denied") return pass(`an MQTT broker answers${via} (not activated: the agent's login is not tried)`);
    if (s.identity && err.code === "permission-denied") {
      return fail(`the broker${via} refuses this agent: ${err.message}`, 'ask the hub admin whether the agent is still enabled; re-activate with "dca activate --force"');
    }
    const open = route.proxy
      ? `ask the proxy's admin to allow CONNECT to ${address.host}:${address.port}`
      : `allow outbound TCP ${address.port} from this PC to ${address.host}`;
    const what = address.protocol === "wss" ? `${open} (HTTPS with a WebSocket upgrade on ${address.path})` : open;
    const refused = /ECONNREFUSED/.test(err.message) ? `TCP to ${address.host}:${address.port} refused (nothing listens there, or a firewall rejects it)` : err.message;
    return fail(`${refused}${via ? ` (${via.trim()})` : ""}`, `${what}; until then the agent polls every few minutes and tasks wait for the next poll`);
  }
}

