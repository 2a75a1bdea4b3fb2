/**
 * The printer web simulator as a process, for the Device Web Access bench:
 *
 *   bun test/sim/web/main.ts --host 127.0.0.5 --http-port 80 --https-port 443
 *
 * Prints one JSON line {"ready":true,...} once both ports listen (with the
 * HTTPS certificate's PEM, for a client that wants to trust it), and
 * {"stopped":true,"requests":N} on SIGTERM/SIGINT before exiting, as
 * test/sim/main.ts does for the SNMP fleet.
 */
import { parseArgs } from "node:util";
import { type WebSimOptions, type WebSimulator, startWebSimulator } from "./web-simulator.ts";

const USAGE = `usage: bun test/sim/web/main.ts [options]
  --host ADDR          loopback address to serve on, 127.0.0.0/8 or ::1 (default 127.0.0.1)
  --http-port N        HTTP port (default 0: any free port)
  --https-port N       HTTPS port, self-signed certificate (default 0: any free port)
  --hp                 an HP identity with LEDM pages (default: a generic printer)
  --link-host device|request  host named in absolute links: its own address (default) or the Host header`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function port(name: string, text: string | undefined): number {
  const n = Number(text ?? 0);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`--${name} must be 0..65535, got ${text}`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        host: { type: "string", default: "127.0.0.1" },
        "http-port": { type: "string" },
        "https-port": { type: "string" },
        hp: { type: "boolean" },
        "link-host": { type: "string", default: "device" },
        help: { type: "boolean" },
      },
      strict: true,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) return void console.log(USAGE);
  const linkHost = values["link-host"];
  if (linkHost !== "device" && linkHost !== "request") fail(`--link-host must be device or request, got ${linkHost}`);
  const options: WebSimOptions = {
    host: values.host,
    httpPort: port("http-port", values["http-port"]),
    httpsPort: port("https-port", values["https-port"]),
    hp: values.hp,
    linkHost,
  };
  let sim: WebSimulator;
  try {
    sim = await startWebSimulator(options);
  } catch (e) {
    console.error(`cannot start the web simulator: ${(e as Error).message}`);
    process.exit(1);
  }
  console.log(
    JSON.stringify({ ready: true, pid: process.pid, http: sim.httpOrigin, https: sim.httpsOrigin, httpPort: sim.httpPort, httpsPort: sim.httpsPort, certificate: sim.certificate.cert }),
  );
  const stop = async () => {
    await sim.close();
    console.log(JSON.stringify({ stopped: true, requests: sim.requests.length }));
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

await main();
