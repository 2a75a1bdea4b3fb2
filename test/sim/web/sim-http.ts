/**
 * The bytes on the wire of the web simulator, written by hand so each of
 * its modes controls every byte: response heads, whole responses that
 * close the connection, and downloads streamed with backpressure.
 */
import type net from "node:net";
import { downloadBytes } from "./site-assets.ts";

/** Listens on host:port (0: any free port) and resolves with the port. */
export function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** A response head with Content-Length (or chunked) and the Connection header. */
export function head(status: string, headers: Record<string, string>, length: number | "chunked", keepAlive: boolean): string {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  lines.push(length === "chunked" ? "Transfer-Encoding: chunked\r\n" : `Content-Length: ${length}\r\n`, `Connection: ${keepAlive ? "keep-alive" : "close"}\r\n`);
  return `HTTP/1.1 ${status}\r\n${lines.join("")}\r\n`;
}

/** Sends a whole response and closes the connection; `chunked` sends the body in uneven chunks. */
export function respond(socket: net.Socket, status: string, headers: Record<string, string>, body: string, chunked = false): void {
  const bytes = Buffer.from(body, "utf8");
  socket.write(head(status, headers, chunked ? "chunked" : bytes.length, false), "latin1");
  if (chunked) {
    // Uneven chunks with an extension, as embedded servers flush them.
    for (let i = 0; i < bytes.length; i += 1000) {
      const part = bytes.subarray(i, i + 1000);
      socket.write(`${part.length.toString(16)}${i === 0 ? ";sim=1" : ""}\r\n`);
      socket.write(part);
      socket.write("\r\n");
    }
    socket.write("0\r\n\r\n");
  } else socket.write(bytes);
  socket.end();
}

/** Writes `length` download bytes in 64 KiB blocks, waiting for the peer to drain; calls `done` after the last. */
export function streamDownload(socket: net.Socket, length: number, done: () => void): void {
  const BLOCK = 64 * 1024;
  let sent = 0;
  const pump = () => {
    while (!socket.destroyed && sent < length) {
      const n = Math.min(BLOCK, length - sent);
      const more = socket.write(downloadBytes(sent, n));
      sent += n;
      if (!more) return void socket.once("drain", pump);
    }
    if (sent >= length) done();
  };
  pump();
}

/** "scheme://host[:port]", the port left out when it is the scheme's default. */
export function origin(scheme: "http" | "https", host: string, port: number): string {
  const name = host.includes(":") ? `[${host}]` : host;
  return port === (scheme === "http" ? 80 : 443) ? `${scheme}://${name}` : `${scheme}://${name}:${port}`;
}
