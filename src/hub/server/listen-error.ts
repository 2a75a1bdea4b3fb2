/**
 * A listener that could not start, told the way an operator fixes it: which
 * address, why in words, and which option changes it. One place for the
 * hub's port and its MQTT over TLS port.
 */
import { DcaError } from "../../common/errors.ts";

/** What failed to listen: "the hub", "MQTT over TLS"; the option that moves it ("--listen"); more ways out. */
export interface Listener {
  what: string;
  option: string;
  alternatives?: string;
}

/** The DcaError for `e`, thrown by listen() on `host`:`port`. */
export function listenError(e: unknown, l: Listener, host: string, port: number): DcaError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const other = l.alternatives ? `, or ${l.alternatives}` : "";
  const why =
    code === "EADDRINUSE"
      ? `another program already listens there; stop it or choose another port with ${l.option} HOST:PORT${other}`
      : code === "EACCES"
        ? `ports below 1024 need privileges; choose a port from 1024 up with ${l.option} HOST:PORT${other}`
        : code === "EADDRNOTAVAIL"
          ? `that address is not one of this machine's; check ${l.option}`
          : DcaError.from(e).message;
  return new DcaError(DcaError.from(e).code, `${l.what} cannot listen on ${where}: ${why}`, { cause: e });
}
