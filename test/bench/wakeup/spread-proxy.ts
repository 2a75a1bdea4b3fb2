/**
 * A tiny HTTP CONNECT proxy on loopback that opens each tunnel to the hub
 * from a different source address (127.0.2.1, 127.0.2.2, ...). The hub
 * allows 30 activations a minute per client address, which is right for
 * code guessers and wrong for 200 simulated agents that in life sit at 200
 * sites: through this proxy each activation comes from an address of its
 * own, using the agent's real proxy support. Only the hub's own address and
 * port are reachable through it.
 */
import { type Socket, connect, createServer } from "node:net";

export interface SpreadProxy {
  /** "http://127.0.0.1:PORT" for the agent's --proxy. */
  url: string;
  close(): Promise<void>;
}

export async function startSpreadProxy(target: { host: string; port: number }): Promise<SpreadProxy> {
  let next = 0;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    open.add(client);
    client.on("close", () => open.delete(client));
    client.on("error", () => {});
    let head = "";
    const onData = (chunk: Buffer) => {
      head += chunk.toString("latin1");
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) {
        if (head.length > 8192) client.destroy();
        return;
      }
      client.off("data", onData);
      const m = /^CONNECT ([^\s:]+):(\d+) HTTP\/1\.[01]\r\n/.exec(head);
      if (!m || m[1] !== target.host || Number(m[2]) !== target.port) {
        client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
        return;
      }
      const n = next++;
      const localAddress = `127.0.${2 + Math.floor(n / 250)}.${1 + (n % 250)}`;
      const upstream = connect({ host: target.host, port: target.port, localAddress });
      open.add(upstream);
      upstream.on("close", () => open.delete(upstream));
      upstream.once("connect", () => {
        client.write("HTTP/1.1 200 Connection established\r\n\r\n");
        const rest = Buffer.from(head.slice(end + 4), "latin1");
        if (rest.length) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      upstream.on("error", () => client.destroy());
      client.on("close", () => upstream.destroy());
    };
    client.on("data", onData);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
