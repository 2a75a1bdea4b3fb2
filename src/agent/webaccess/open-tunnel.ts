/**
 * One web-access tunnel over one relay stream (./open-relay-stream.ts):
 * SSH with the relay's pinned host key and the agent's key, a streamlocal
 * remote forward of the task's path, and each channel the relay opens on
 * it piped to exactly the task's address and port, nothing else. The only
 * module that loads ssh2, and only when a web-access task arrives.
 */
import { connect as netConnect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { type Algorithms, type Channel, Client } from "ssh2";
import type { Clock } from "../../common/clock.ts";
import { DcaError } from "../../common/errors.ts";
import { MAX_WEB_ACCESS_CHANNELS, MAX_WEB_ACCESS_CHANNELS_TOTAL } from "../../common/web-access.ts";

/** What a tunnel moved, so far or in all. */
export interface TunnelCounts {
  channels: number;
  channelsRefused: number;
  bytesToDevice: number;
  bytesFromDevice: number;
}

/** What openTunnel needs. */
export interface TunnelOptions {
  /** The relay stream; the tunnel owns it from now on. */
  stream: Duplex;
  /** Where it goes, for messages ("ssh://hub:22"). */
  label: string;
  /** The relay's host key, OpenSSH form ("ssh-ed25519 AAAA..."): no other is accepted. */
  hostKey: string;
  username: string;
  /** The agent's OpenSSH private key. */
  privateKey: string;
  forwardPath: string;
  /** The one place channels go. */
  address: string;
  port: number;
  clock: Clock;
  /** Closes after this long without a byte either way. */
  idleMs: number;
  /** Wall time (ms) at which the tunnel closes. */
  expiresAt: number;
  /** For the SSH handshake, the login and the forward together. */
  timeoutMs: number;
  /** Channel bounds (default MAX_WEB_ACCESS_CHANNELS and MAX_WEB_ACCESS_CHANNELS_TOTAL). */
  maxOpen?: number;
  maxTotal?: number;
  log(line: string): void;
}

/** An open tunnel. */
export interface Tunnel {
  counts(): TunnelCounts;
  /** Closes it (idempotent); `reason` is what `closed` reports. */
  close(reason: string): void;
  /** Resolves once it is closed, with why, in words. */
  closed: Promise<{ reason: string; counts: TunnelCounts }>;
}

/** How long a device has to take a connection before the channel is refused. */
const DEVICE_CONNECT_TIMEOUT_MS = 10_000;

/** The closed reason of a tunnel the relay ended (the one ending nobody on our side asked for). */
export const RELAY_CLOSED = "the relay closed the connection";

/** Key exchanges whose maths Bun does quickly (its finite-field DH takes seconds). */
const KEX = ["curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256"];
/** Host key algorithms that can show the pinned key, by its type. */
const HOST_KEY_ALGORITHMS: Record<string, string[]> = {
  "ssh-ed25519": ["ssh-ed25519"],
  "ecdsa-sha2-nistp256": ["ecdsa-sha2-nistp256"],
  "ssh-rsa": ["rsa-sha2-512", "rsa-sha2-256"],
};

/** The pinned key's type and wire blob; throws if it is not an OpenSSH public key line. */
function parseHostKey(line: string): { type: string; blob: Buffer } {
  const [type, b64] = line.trim().split(/\s+/);
  const blob = Buffer.from(b64 ?? "", "base64");
  if (!type || !HOST_KEY_ALGORITHMS[type] || blob.length < 4 || blob.readUInt32BE(0) !== type.length || blob.toString("latin1", 4, 4 + type.length) !== type) {
    throw new DcaError("invalid-argument", "the task's relay host key is not an OpenSSH public key (ssh-ed25519, ecdsa-sha2-nistp256 or ssh-rsa); update the hub");
  }
  return { type, blob };
}

/**
 * Logs in and asks for the forward; resolves once the relay accepted it.
 * Fails with a DcaError in one line: the host key is not the pinned one,
 * the relay refused the key or the forward, or it did not answer in time.
 */
export function openTunnel(opts: TunnelOptions): Promise<Tunnel> {
  const pinned = parseHostKey(opts.hostKey);
  const { clock, label } = opts;
  const maxOpen = opts.maxOpen ?? MAX_WEB_ACCESS_CHANNELS;
  const maxTotal = opts.maxTotal ?? MAX_WEB_ACCESS_CHANNELS_TOTAL;
  const counts: TunnelCounts = { channels: 0, channelsRefused: 0, bytesToDevice: 0, bytesFromDevice: 0 };
  const devices = new Set<Socket>();
  const client = new Client();
  let hostKeyWrong = false;
  let lastByteAt = clock.monotonic();
  let closeReason: string | undefined;
  let endClosed!: (v: { reason: string; counts: TunnelCounts }) => void;
  const closed = new Promise<{ reason: string; counts: TunnelCounts }>((r) => (endClosed = r));
  let cancelExpiry = () => {};
  let cancelIdle = () => {};

  function close(reason: string): void {
    if (closeReason !== undefined) return;
    closeReason = reason;
    cancelExpiry();
    cancelIdle();
    for (const d of devices) d.destroy();
    client.end();
    // end() waits for the relay's goodbye; a relay that is gone sends none.
    opts.stream.destroy();
  }
  client.on("close", () => {
    close(RELAY_CLOSED);
    endClosed({ reason: closeReason!, counts: { ...counts } });
  });

  client.on("unix connection", (info, accept, reject) => {
    // ssh2 already refuses paths not forwarded; checked again, since this is the one rule that matters.
    if (closeReason !== undefined || info.socketPath !== opts.forwardPath || devices.size >= maxOpen || counts.channels >= maxTotal) {
      counts.channelsRefused++;
      return reject();
    }
    counts.channels++;
    const device = netConnect({ host: opts.address, port: opts.port, timeout: DEVICE_CONNECT_TIMEOUT_MS });
    devices.add(device);
    device.once("timeout", () => device.destroy(Object.assign(new Error("no answer"), { code: "ETIMEDOUT" })));
    let channel: Channel | undefined;
    const touch = () => (lastByteAt = clock.monotonic());
    const done = () => {
      devices.delete(device);
      device.destroy();
      channel?.destroy();
    };
    device.once("error", (e: NodeJS.ErrnoException) => {
      if (!channel) opts.log(`web access: ${opts.address}:${opts.port} did not take a connection: ${e.code ?? e.message}`);
      if (channel) done();
      else {
        devices.delete(device);
        reject();
      }
    });
    device.once("connect", () => {
      device.setTimeout(0);
      const ch = accept();
      channel = ch;
      device.setNoDelay(true);
      ch.on("data", (b: Buffer) => {
        counts.bytesToDevice += b.length;
        touch();
      });
      device.on("data", (b: Buffer) => {
        counts.bytesFromDevice += b.length;
        touch();
      });
      ch.pipe(device).pipe(ch);
      ch.once("close", done);
      ch.once("error", done);
      device.once("close", done);
    });
  });
  // A forward we did not ask for never reaches us (ssh2 refuses it), but say no explicitly all the same.
  client.on("tcp connection", (_info, _accept, reject) => {
    counts.channelsRefused++;
    reject();
  });

  return new Promise<Tunnel>((resolve, reject) => {
    let settled = false;
    const fail = (why: string, code: "unavailable" | "permission-denied" = "unavailable") => {
      if (settled) return;
      settled = true;
      close(why);
      reject(new DcaError(code, why));
    };
    const cancelTimeout = clock.setTimer(() => fail(`no SSH session within ${opts.timeoutMs} ms`), opts.timeoutMs);
    client.on("error", (e: Error & { level?: string }) => {
      if (hostKeyWrong) return fail("the relay's host key is not the one the hub gave; the connection may be intercepted: nothing was sent", "permission-denied");
      if (e.level === "client-authentication") return fail(`the relay refused this agent's SSH key (user ${opts.username}); the hub may not have registered it yet: try again after the next poll`, "permission-denied");
      if (!settled) return fail(`SSH failed: ${e.message}`);
      opts.log(`web access: ${label}: ${e.message}`);
    });
    client.on("close", () => fail("the relay closed the connection during the SSH handshake"));
    client.on("ready", () => {
      client.openssh_forwardInStreamLocal(opts.forwardPath, (err) => {
        cancelTimeout();
        if (settled) return;
        if (err) return fail(`the relay refused the forward (${err.message}); the session may have ended`, "permission-denied");
        settled = true;
        armTimers();
        resolve({ counts: () => ({ ...counts }), close, closed });
      });
    });
    client.connect({
      sock: opts.stream,
      username: opts.username,
      privateKey: opts.privateKey,
      hostVerifier: (key: Buffer) => {
        hostKeyWrong = !key.equals(pinned.blob);
        return !hostKeyWrong;
      },
      algorithms: { kex: KEX, serverHostKey: HOST_KEY_ALGORITHMS[pinned.type] } as Algorithms,
      readyTimeout: opts.timeoutMs,
      // The embedded relay names itself dca-hub-relay, not OpenSSH: without this ssh2 will not ask
      // it for the OpenSSH extension this uses (streamlocal forwards).
      strictVendor: false,
      // A relay that vanishes without a FIN is noticed within a minute.
      keepaliveInterval: 15_000,
      keepaliveCountMax: 4,
    });
  });

  function armTimers(): void {
    cancelExpiry = clock.setTimer(() => close("expired"), Math.max(0, opts.expiresAt - clock.now()));
    const idleCheck = () => {
      const quiet = clock.monotonic() - lastByteAt;
      if (quiet >= opts.idleMs) return close(`idle for ${Math.round(opts.idleMs / 1000)} s`);
      cancelIdle = clock.setTimer(idleCheck, opts.idleMs - quiet);
    };
    lastByteAt = clock.monotonic();
    cancelIdle = clock.setTimer(idleCheck, opts.idleMs);
  }
}
