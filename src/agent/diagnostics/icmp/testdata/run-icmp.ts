/**
 * Runs one ping or traceroute and prints the result as JSON on stdout, so
 * tests can run it in another process: as an unprivileged user, or inside a
 * network namespace the test built.
 *
 * Usage: bun run-icmp.ts ping|traceroute HOST [JSON-OPTIONS]
 */
import { ping, traceroute } from "../index.ts";

const [command, host, options] = process.argv.slice(2);
const opts = options ? JSON.parse(options) : {};
if (!host || (command !== "ping" && command !== "traceroute")) {
  console.error("usage: run-icmp.ts ping|traceroute HOST [JSON-OPTIONS]");
  process.exit(2);
}
const result = command === "ping" ? await ping(host, opts) : await traceroute(host, opts);
console.log(JSON.stringify(result));
