/**
 * Debian's OpenLDAP slapd on loopback, as the directory the hub signs people
 * in against: started by the test as the current user with a slapd.conf of
 * its own (mdb database in a temp folder, the memberof overlay), serving
 * ldap:// (StartTLS) and ldaps:// with a certificate from a test CA, loaded
 * with a small directory (SLAPD_DIRECTORY) through the root DN. Access rules
 * as a customer would set them: anonymous may only bind, the service account
 * reads everything, people read themselves.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "ldapts";
import { ensureHubTls } from "../../src/hub/tls/index.ts";
import { freeTcpPort } from "./free-port.ts";
import { stopChild, waitForPort } from "./peer-process.ts";
import { tempDir } from "./temp-dir.ts";
import { SLAPD_DIRECTORY, type SlapdDirectory, directoryEntries, sshaHash } from "./slapd-directory.ts";

export { SLAPD_DIRECTORY, type SlapdDirectory, type SlapdUser, groupDn, userDn } from "./slapd-directory.ts";

/** A running slapd. */
export interface SlapdPeer {
  /** "ldap://127.0.0.1:PORT" (StartTLS offered). */
  ldapUrl: string;
  /** "ldaps://127.0.0.1:PORT" */
  ldapsUrl: string;
  /** PEM file of the CA that signed slapd's certificate. */
  caPath: string;
  /** PEM file of another CA, which did not sign it (for "untrusted" tests). */
  otherCaPath: string;
  baseDn: string;
  /** The service account the hub binds as, and its password. */
  serviceDn: string;
  servicePassword: string;
  /** The directory that was loaded. */
  directory: SlapdDirectory;
  log(): string;
  stop(): Promise<void>;
}

const SLAPD = ["/usr/sbin/slapd", "/usr/local/sbin/slapd"];
const MODULES = ["/usr/lib/ldap", "/usr/lib/x86_64-linux-gnu/ldap", "/usr/lib/aarch64-linux-gnu/ldap"];

/** The slapd binary, or undefined when it is not installed. */
export function slapdBinary(): string | undefined {
  return SLAPD.find((p) => existsSync(p));
}

/** Why slapd tests cannot run here, or undefined when they can. */
export function slapdSkipReason(): string | undefined {
  if (!slapdBinary()) return "slapd is not installed (apt-get install slapd ldap-utils)";
  if (!MODULES.some((d) => existsSync(join(d, "back_mdb.so")))) return "slapd's back_mdb module is not found";
  return undefined;
}

function slapdConf(dir: string, d: SlapdDirectory, rootPassword: string): string {
  const modules = MODULES.find((m) => existsSync(join(m, "back_mdb.so")))!;
  const schema = (name: string) => `include /etc/ldap/schema/${name}.schema`;
  return [
    ...["core", "cosine", "inetorgperson", "nis"].map(schema),
    `modulepath ${modules}`,
    "moduleload back_mdb",
    "moduleload memberof",
    `pidfile ${join(dir, "slapd.pid")}`,
    `argsfile ${join(dir, "slapd.args")}`,
    `TLSCACertificateFile ${join(dir, "tls", "ca.crt")}`,
    `TLSCertificateFile ${join(dir, "server.crt")}`,
    `TLSCertificateKeyFile ${join(dir, "server.key")}`,
    "database mdb",
    "maxsize 16777216",
    `suffix "${d.baseDn}"`,
    `rootdn "cn=root,${d.baseDn}"`,
    `rootpw ${sshaHash(rootPassword)}`,
    `directory ${join(dir, "db")}`,
    "overlay memberof",
    "access to attrs=userPassword by self write by anonymous auth by * none",
    `access to * by dn.exact="${d.service.dn}" read by self read by * none`,
    "",
  ].join("\n");
}

/** Starts slapd with `directory` (default SLAPD_DIRECTORY); throws when it is not installed (check slapdSkipReason first). */
export async function startSlapd(directory: SlapdDirectory = SLAPD_DIRECTORY): Promise<SlapdPeer> {
  const bin = slapdBinary();
  if (!bin) throw new Error(slapdSkipReason());
  const dir = tempDir("dca-slapd-");
  mkdirSync(join(dir, "db"));
  const tls = ensureHubTls(join(dir, "tls-data"), { hostnames: ["127.0.0.1", "localhost", "::1"] });
  mkdirSync(join(dir, "tls"));
  writeFileSync(join(dir, "tls", "ca.crt"), tls.caPem!);
  writeFileSync(join(dir, "server.crt"), tls.cert);
  writeFileSync(join(dir, "server.key"), tls.key, { mode: 0o600 });
  const other = ensureHubTls(join(dir, "other-ca"), { hostnames: ["127.0.0.1"] });
  const rootPassword = randomBytes(12).toString("hex");
  writeFileSync(join(dir, "slapd.conf"), slapdConf(dir, directory, rootPassword));
  const [ldapPort, ldapsPort] = [await freeTcpPort(), await freeTcpPort()];
  const urls = `ldap://127.0.0.1:${ldapPort}/ ldaps://127.0.0.1:${ldapsPort}/`;
  // -d 0: stay in the foreground (so the test owns the process) without debug output.
  const child = spawn(bin, ["-f", join(dir, "slapd.conf"), "-h", urls, "-d", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (output += b.toString()));
  const peer: SlapdPeer = {
    ldapUrl: `ldap://127.0.0.1:${ldapPort}`,
    ldapsUrl: `ldaps://127.0.0.1:${ldapsPort}`,
    caPath: join(dir, "tls", "ca.crt"),
    otherCaPath: other.caPath!,
    baseDn: directory.baseDn,
    serviceDn: directory.service.dn,
    servicePassword: directory.service.password,
    directory,
    log: () => output,
    stop: () => stopChild(child),
  };
  try {
    await waitForPort("slapd", ldapPort, child, () => output, 10_000);
    await waitForPort("slapd", ldapsPort, child, () => output, 10_000);
    await load(peer, `cn=root,${directory.baseDn}`, rootPassword);
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
  return peer;
}

/** Adds the directory's entries as the root DN, over StartTLS, groups last so the memberof overlay fills memberOf. */
async function load(peer: SlapdPeer, rootDn: string, rootPassword: string): Promise<void> {
  const client = new Client({ url: peer.ldapUrl, timeout: 5000, connectTimeout: 5000 });
  try {
    await client.startTLS({ ca: [readFileSync(peer.caPath, "utf8")], host: "127.0.0.1" });
    await client.bind(rootDn, rootPassword);
    for (const { dn, attributes } of directoryEntries(peer.directory)) await client.add(dn, attributes);
  } finally {
    await client.unbind().catch(() => {});
  }
}
