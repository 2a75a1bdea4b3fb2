/**
 * Ports that were free a moment ago, on a loopback address, for peers a
 * test starts (and may restart on the same port). One place for all tests.
 */
import { createSocket } from "node:dgram";
import { createServer } from "node:net";

/** A TCP port free on `address` (default 127.0.0.1). */
export async function freeTcpPort(address = "127.0.0.1"): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once("error", reject);
    srv.listen(0, address, () => resolve());
  });
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** A UDP port free on `address` (default 127.0.0.1); simulated printers share one port across addresses. */
export async function freeUdpPort(address = "127.0.0.1"): Promise<number> {
  const s = createSocket(address.includes(":") ? "udp6" : "udp4");
  await new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.bind(0, address, () => resolve());
  });
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
