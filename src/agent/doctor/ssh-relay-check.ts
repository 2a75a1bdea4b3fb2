/**
 * The SSH relay of Device Web Access: the relay URLs of the last web-access
 * task this agent saw (kept in the state folder; the hub names them per
 * task), each reached the way a tunnel reaches it (./../webaccess: TCP for
 * ssh://, a WebSocket on the hub's HTTPS port for wss://, through the proxy
 * when there is one), until one answers with an SSH greeting. Nothing is
 * logged in: seeing "SSH-2.0-" proves the port is open all the way.
 */
import type { Duplex } from "node:stream";
import { lastRelay } from "../webaccess/relay-memory.ts";
import { type CheckContext, type CheckOutcome, fail, pass, skip } from "./check-result.ts";
import type { DoctorSetup } from "./doctor-setup.ts";

/** Longest greeting line read (RFC 4253 allows 255 bytes). */
const MAX_GREETING = 255;

/** Checks the relay URLs the agent last used; `caPem` is the hub's CA as the hub's line found it. */
export async function checkSshRelay(s: DoctorSetup, ctx: CheckContext, caPem: string | undefined): Promise<CheckOutcome> {
  const seen = lastRelay(s.stateDir);
  if (!seen?.urls.length) return skip("not used yet: no web-access task has come to this agent (the hub names the relay with each one)");
  const { openRelayStream, parseRelayUrl } = await import("../webaccess/open-relay-stream.ts");
  const failures: string[] = [];
  for (const url of seen.urls) {
    try {
      const stream = await openRelayStream(parseRelayUrl(url), { caPem, pin: s.pin, proxyUrl: s.proxyUrl }, ctx.timeoutMs);
      const greeting = await readGreeting(stream, ctx.timeoutMs).finally(() => stream.destroy());
      return pass(`${url} answers ${greeting}${failures.length ? ` (before it: ${failures.join("; ")})` : ""}`);
    } catch (e) {
      failures.push(`${url}: ${(e as Error).message}`);
    }
  }
  const first = new URL(seen.urls[0]!);
  const port = first.port || (first.protocol === "ssh:" ? "22" : "443");
  const what = first.protocol === "ssh:" ? `outbound TCP ${port} from this PC to ${first.hostname}` : `HTTPS to ${first.hostname}:${port}`;
  return fail(`no relay answers: ${failures.join("; ")}`, `allow ${what}${s.proxyUrl ? " through the proxy" : ""}; web access to printers goes there`);
}

/** The relay's first line ("SSH-2.0-..."), or an error saying what came instead. */
function readGreeting(stream: Duplex, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => done(new Error(`no SSH greeting within ${timeoutMs} ms`)), timeoutMs);
    function done(e: Error | undefined, line?: string) {
      clearTimeout(timer);
      stream.off("data", onData);
      if (e) reject(e);
      else resolve(line!);
    }
    function onData(b: Buffer) {
      got = Buffer.concat([got, b]);
      const end = got.indexOf("\n");
      if (end < 0 && got.length < MAX_GREETING) return;
      const line = got.subarray(0, end < 0 ? MAX_GREETING : end).toString("latin1").replace(/\r$/, "");
      if (line.startsWith("SSH-2.0-")) done(undefined, line.replace(/[^\x20-\x7e]/g, "?"));
      else done(new Error("something answers there, but not SSH"));
    }
    stream.on("data", onData);
    stream.once("error", (e: Error) => done(e));
    stream.once("close", () => done(new Error("the connection closed before an SSH greeting")));
  });
}
