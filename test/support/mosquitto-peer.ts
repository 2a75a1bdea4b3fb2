/**
 * Debian's mosquitto (2.0.x) on loopback, as an external broker for the
 * hub's nudges: an MQTT/TLS listener and a WebSockets/TLS listener on free
 * ports, `password_file` and `acl_file` written by the test, anonymous
 * clients refused. Customers run exactly this broker, so our hashes, ACL and
 * clients meet the real one rather than our idea of it. The certificate comes
 * from a hub's own CA (so agents that pin that CA accept it) or from a CA made
 * for the broker alone.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { type MqttClient, connectAsync } from "mqtt";
import { ensureHubTls } from "../../src/hub/tls/index.ts";
import { issueBrokerCertificate } from "../../src/hub/mqtt/mosquitto-cert.ts";
import { freeTcpPort } from "./free-port.ts";
import { stopChild, waitForPort } from "./peer-process.ts";

/** A running mosquitto. */
export interface MosquittoPeer {
  /** "mqtts://127.0.0.1:PORT" */
  mqttsUrl: string;
  /** "wss://127.0.0.1:PORT/mqtt" (mosquitto serves MQTT on any path; /mqtt matches the hub's). */
  wssUrl: string;
  mqttsPort: number;
  wssPort: number;
  /** The CA that signed the broker's certificate (PEM file). */
  caPath: string;
  dir: string;
  passwordFile: string;
  aclFile: string;
  log(): string;
  /** Resolves with the log once `re` matches text logged after `from` characters; rejects after `ms`. */
  waitForLog(re: RegExp, ms: number, from?: number): Promise<string>;
  /** Replaces the password file (and the ACL when given) and reloads the broker (SIGHUP). */
  update(files: { passwords?: string; acl?: string }): Promise<void>;
  /** SIGHUP; resolves once mosquitto has re-read its config, passwords and ACL. */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/** What the broker accepts. */
export interface MosquittoOptions {
  /** The password file's text ("user:$7$...\n" lines). */
  passwords: string;
  /** The ACL file's text. */
  acl: string;
  /** A hub data folder whose `tls/ca.key` signs the broker's certificate; otherwise a CA of its own. */
  hubDataDir?: string;
}

const FALLBACK_DIRS = ["/usr/sbin", "/usr/bin"];

function which(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(delimiter), ...FALLBACK_DIRS]) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** The mosquitto binary, or undefined when it is not installed. */
export function mosquittoBinary(): string | undefined {
  return which("mosquitto");
}

/** Why mosquitto tests cannot run here, or undefined when they can. */
export function mosquittoSkipReason(): string | undefined {
  return mosquittoBinary() ? undefined : "mosquitto is not installed (apt-get install mosquitto mosquitto-clients)";
}

/** Debian's mosquitto_passwd, or undefined. */
export function mosquittoPasswdBinary(): string | undefined {
  return which("mosquitto_passwd");
}

/** A key and certificate chain for the broker, valid for 127.0.0.1, ::1 and localhost. */
function brokerTls(dir: string, hubDataDir: string | undefined): { key: string; cert: string; caPath: string } {
  const names = ["localhost", "127.0.0.1", "::1"];
  if (!hubDataDir) {
    const tls = ensureHubTls(dir, { hostnames: names });
    return { key: tls.key, cert: tls.cert, caPath: tls.caPath! };
  }
  // What `dca-hub mqtt broker-cert` writes.
  const c = issueBrokerCertificate(hubDataDir, names, { days: 1 });
  return { key: c.keyPem, cert: c.chainPem, caPath: c.caPath };
}

function config(dir: string, mqttsPort: number, wssPort: number): string {
  // Listener options go after their `listener` line: before any, mosquitto opens a default listener on *:1883 for them.
  // use_username_as_clientid: one session per agent; nobody can take over an agent's session by naming its client id.
  const tls = [`certfile ${join(dir, "broker.crt")}`, `keyfile ${join(dir, "broker.key")}`, "use_username_as_clientid true"];
  return [
    "per_listener_settings false",
    "allow_anonymous false",
    `password_file ${join(dir, "passwd")}`,
    `acl_file ${join(dir, "acl")}`,
    "persistence false",
    "log_dest stderr",
    "log_type error",
    "log_type warning",
    "log_type notice",
    "log_type information",
    "log_type subscribe",
    "connection_messages true",
    "log_timestamp false",
    `listener ${mqttsPort} 127.0.0.1`,
    ...tls,
    `listener ${wssPort} 127.0.0.1`,
    "protocol websockets",
    ...tls,
    "",
  ].join("\n");
}


/** Starts mosquitto; throws when it is not installed (check mosquittoSkipReason first). */
export async function startMosquitto(opts: MosquittoOptions): Promise<MosquittoPeer> {
  const bin = mosquittoBinary();
  if (!bin) throw new Error(mosquittoSkipReason());
  const dir = mkdtempSync(join(tmpdir(), "dca-mosquitto-"));
  // Started as root, mosquitto drops to its own user, which must still read these files.
  chmodSync(dir, 0o755);
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), 0o644);
  };
  const tls = brokerTls(join(dir, "ca"), opts.hubDataDir);
  write("broker.key", tls.key);
  write("broker.crt", tls.cert);
  write("passwd", opts.passwords);
  write("acl", opts.acl);
  const [mqttsPort, wssPort] = [await freeTcpPort(), await freeTcpPort()];
  write("mosquitto.conf", config(dir, mqttsPort, wssPort));
  const child = spawn(bin, ["-c", join(dir, "mosquitto.conf")], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    output += d.toString();
    for (const w of waiters) w();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  try {
    await waitForPort("mosquitto", mqttsPort, child, () => output, 10_000);
    await waitForPort("mosquitto", wssPort, child, () => output, 10_000);
    // Only the two loopback listeners asked for: a stray default listener would face the network.
    const opened = [...output.matchAll(/Opening \S+ listen socket on port (\d+)/g)].map((m) => Number(m[1]));
    if (opened.some((p) => p !== mqttsPort && p !== wssPort)) throw new Error(`mosquitto opened unexpected listeners: ${output}`);
  } catch (e) {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }

  const waitForLog = (re: RegExp, ms: number, from = 0) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (re.test(output.slice(from))) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(output);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`mosquitto logged no ${re} within ${ms} ms:\n${output.slice(from).slice(-3000)}`));
      }, ms);
      waiters.add(check);
      check();
    });

  const reload = async () => {
    const from = output.length;
    child.kill("SIGHUP");
    await waitForLog(/Reloading config/, 5_000, from);
    // The reload runs right after that line in the same loop iteration; give it a moment to finish.
    await Bun.sleep(200);
  };

  return {
    mqttsUrl: `mqtts://127.0.0.1:${mqttsPort}`,
    wssUrl: `wss://127.0.0.1:${wssPort}/mqtt`,
    mqttsPort,
    wssPort,
    caPath: tls.caPath,
    dir,
    passwordFile: join(dir, "passwd"),
    aclFile: join(dir, "acl"),
    log: () => output,
    waitForLog,
    async update(files) {
      if (files.passwords !== undefined) write("passwd", files.passwords);
      if (files.acl !== undefined) write("acl", files.acl);
      await reload();
    },
    reload,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What a test client logs in with. */
export interface TestClientLogin {
  username: string;
  password: string;
  clientId?: string;
  /** PEM file of the CA the broker's certificate must chain to. */
  caPath: string;
}

/**
 * One MQTT.js connection attempt without retries: the client, or the
 * broker's refusal as an Error (MQTT.js reports "Not authorized" / "Bad
 * username or password" from the CONNACK).
 */
export async function connectTestClient(url: string, login: TestClientLogin): Promise<MqttClient> {
  return await connectAsync(
    url,
    {
      username: login.username,
      password: login.password,
      clientId: login.clientId ?? `test-${Math.random().toString(36).slice(2, 10)}`,
      ca: readFileSync(login.caPath),
      rejectUnauthorized: true,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
      protocolVersion: 4,
    },
    false,
  );
}
