/**
 * The `web-access` task: checks it against the site's rules again (port,
 * web access on; run-task.ts has checked the address against the site's
 * targets), opens the tunnel through the first relay URL that works, in
 * the hub's order, keeps it while the session lasts (up to hours: the task
 * pool runs it apart from the short tasks) and reports how it went.
 *
 * A relay that drops the connection ends the tunnel; the agent does not
 * dial again. The hub learns it from the result (the technician is told
 * and reopens in a second), whereas a redial could bring back a tunnel the
 * hub meant to kill, and the embedded relay cannot tell the two apart.
 */
import { create } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { type Task, TaskResultSchema, TaskStatus, type WebAccessTask, WebAccessResultSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { WEB_ACCESS_IDLE_SECONDS, WEB_ACCESS_MINUTES } from "../../common/web-access.ts";
import { plural } from "../../common/text.ts";
import type { JobContext } from "../service/jobs.ts";
import { openRelayStream, parseRelayUrl } from "./open-relay-stream.ts";
import { RELAY_CLOSED, type Tunnel, type TunnelCounts, openTunnel } from "./open-tunnel.ts";
import { MAX_WEB_ACCESS_TUNNELS, webAccessRefusal } from "./open-tunnels.ts";
import { rememberRelay } from "./relay-memory.ts";

/** For reaching one relay URL and the SSH login and forward on it. */
const CONNECT_TIMEOUT_MS = 15_000;

type Outcome = { status: TaskStatus; message: string; result?: ReturnType<typeof resultOf> };

const resultOf = (v: WebAccessTask, counts: TunnelCounts, reason: string) =>
  create(TaskResultSchema, {
    kind: {
      case: "webAccess",
      value: create(WebAccessResultSchema, {
        address: v.address,
        port: v.port,
        channels: BigInt(counts.channels),
        channelsRefused: BigInt(counts.channelsRefused),
        bytesToDevice: BigInt(counts.bytesToDevice),
        bytesFromDevice: BigInt(counts.bytesFromDevice),
        closedReason: reason,
      }),
    },
  });

/** Runs one web-access task to its end; never throws. */
export async function runWebAccess(ctx: JobContext, v: WebAccessTask, task: Task): Promise<Outcome> {
  const wa = ctx.webAccess;
  const refused = (message: string): Outcome => ({ status: TaskStatus.REFUSED, message });
  if (!wa) return refused("web access is not set up on this agent (it has no SSH key: see its log at start)");
  const known = ctx.state.devices.map((d) => d.address);
  const why = webAccessRefusal(ctx.config, known, v.address, v.port);
  if (why) return refused(why);
  const relay = v.relay;
  if (!relay?.urls.length || !relay.hostKey || !relay.username || !v.forwardPath) {
    return { status: TaskStatus.FAILED, message: "the task names no relay (urls, host key, user) or no forward path; update the hub" };
  }
  const now = ctx.clock.now();
  // The hub's limits, applied again: never longer than the longest session.
  const expiresAt = Math.min(v.expiresAt ? timestampMs(v.expiresAt) : Infinity, now + WEB_ACCESS_MINUTES.max * 60_000);
  if (expiresAt <= now) return refused("the session expired before the agent got the task");
  const idleSeconds = Math.min(Math.max(v.idleSeconds || WEB_ACCESS_IDLE_SECONDS.default, WEB_ACCESS_IDLE_SECONDS.min), WEB_ACCESS_IDLE_SECONDS.max);
  try {
    rememberRelay(wa.stateDir, relay.urls, now);
  } catch (e) {
    ctx.log(`web access: cannot keep the relay URLs for "dca doctor": ${(e as Error).message}`);
  }

  // The slot is taken before dialling, so that tasks arriving together cannot pass the bound,
  // and an end (by the hub, a config) that comes while dialling is not lost.
  let tunnel: Tunnel | undefined;
  let endedEarly: string | undefined;
  const remove = wa.tunnels.add(task.id, { address: v.address, port: v.port, close: (r) => (tunnel ? tunnel.close(r) : (endedEarly ??= r)) });
  if (!remove) return refused(`${MAX_WEB_ACCESS_TUNNELS} web-access tunnels are open on this agent already; close one first`);
  try {
    return await keep();
  } finally {
    remove();
  }

  async function keep(): Promise<Outcome> {
    let via = "";
    const failures: string[] = [];
    const started = ctx.clock.monotonic();
    for (const url of relay!.urls) {
      if (ctx.signal?.aborted || endedEarly) break;
      let label = url;
      try {
        const address = parseRelayUrl(url);
        label = address.label;
        const stream = await openRelayStream(address, wa!.route, CONNECT_TIMEOUT_MS);
        tunnel = await openTunnel({
          stream,
          label: address.label,
          hostKey: relay!.hostKey,
          username: relay!.username,
          privateKey: wa!.key.privateKey,
          forwardPath: v.forwardPath,
          address: v.address,
          port: v.port,
          clock: ctx.clock,
          idleMs: idleSeconds * 1000,
          expiresAt,
          timeoutMs: CONNECT_TIMEOUT_MS,
          log: ctx.log,
        });
        via = address.label;
        break;
      } catch (e) {
        failures.push(`${label}: ${(e as Error).message}`);
      }
    }
    if (!tunnel) {
      const why = endedEarly ?? (ctx.signal?.aborted ? "the agent stopped" : `cannot open the tunnel: ${failures.join("; ")}`);
      return { status: TaskStatus.FAILED, message: why };
    }
    if (endedEarly) tunnel.close(endedEarly);
    ctx.log(`web access ${task.id}: forward accepted by ${via} after ${Math.round(ctx.clock.monotonic() - started)} ms; ${v.address}:${v.port} reachable until ${new Date(expiresAt).toISOString()}`);
    const open = tunnel;
    const stop = () => open.close("the agent stopped");
    ctx.signal?.addEventListener("abort", stop, { once: true });
    const { reason, counts } = await open.closed;
    ctx.signal?.removeEventListener("abort", stop);
    const summary = `${plural(counts.channels, "connection")}${counts.channelsRefused ? ` (${counts.channelsRefused} refused)` : ""}, ${counts.bytesToDevice} bytes to the device, ${counts.bytesFromDevice} from it`;
    return {
      // A dropped relay is the one ending nobody asked for: the technician should hear it as a failure.
      status: reason === RELAY_CLOSED ? TaskStatus.FAILED : TaskStatus.DONE,
      message: `web access to ${v.address}:${v.port} closed: ${reason}; ${summary}`,
      result: resultOf(v, counts, reason),
    };
  }
}
