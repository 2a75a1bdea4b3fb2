/**
 * One bound UDP socket behind a small interface, with two implementations
 * so the benchmark can compare them: Bun.udpSocket (sends synchronously,
 * default) and node:dgram (sends later, so every datagram is copied).
 */
import dgram from "node:dgram";

/** Which socket API to use. */
export type UdpTransport = "bun" | "dgram";

/** Called for every datagram; `data` is only valid during the call. */
export type DatagramListener = (data: Uint8Array, port: number, address: string) => void;

/** A bound socket. */
export interface UdpEndpoint {
  readonly address: string;
  /** The bound port (the kernel's choice when 0 was asked). */
  readonly port: number;
  /** Sends now or never: false when the socket refused (never throws). */
  send(data: Uint8Array, port: number, address: string): boolean;
  close(): void;
}

async function bindBun(address: string, port: number, listener: DatagramListener): Promise<UdpEndpoint> {
  const socket = await Bun.udpSocket({
    hostname: address,
    port,
    socket: {
      data: (_s, data, rport, raddr) => listener(data, rport, raddr),
      // Bun sets IP_RECVERR: an ICMP unreachable from a vanished client surfaces here; ignore it.
      error: () => {},
    },
  });
  return {
    address,
    port: socket.port,
    send(data, rport, raddr) {
      try {
        return socket.send(data, rport, raddr);
      } catch {
        return false;
      }
    },
    close: () => socket.close(),
  };
}

async function bindDgram(address: string, port: number, listener: DatagramListener): Promise<UdpEndpoint> {
  const socket = dgram.createSocket(address.includes(":") ? "udp6" : "udp4");
  socket.on("message", (msg, rinfo) => listener(msg, rinfo.port, rinfo.address));
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, address, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  // Unhandled 'error' events would kill the process (ECONNREFUSED from IP_RECVERR on Bun).
  socket.on("error", () => {});
  return {
    address,
    port: socket.address().port,
    send(data, rport, raddr) {
      try {
        // dgram sends asynchronously and our response buffer is reused: copy.
        socket.send(Buffer.from(data), rport, raddr);
        return true;
      } catch {
        return false;
      }
    },
    close: () => socket.close(),
  };
}

/** Binds `address:port` with the chosen API. */
export function bindUdpEndpoint(
  transport: UdpTransport,
  address: string,
  port: number,
  listener: DatagramListener,
): Promise<UdpEndpoint> {
  return transport === "dgram" ? bindDgram(address, port, listener) : bindBun(address, port, listener);
}
