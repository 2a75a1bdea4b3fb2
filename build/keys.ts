/**
 * The release keys (docs/release.md). The root key lives offline; it only
 * certifies signing keys and signs revocation lists. A signing key signs releases.
 *
 *   bun build/keys.ts root --out DIR
 *       DIR/root.key (private, PKCS#8 PEM, mode 0600) and DIR/root.pub (base64 of the
 *       32-byte public key: the one build/compile.ts --trust-root builds in)
 *   bun build/keys.ts signing --out DIR [--name NAME]
 *       DIR/NAME.key and DIR/NAME.pub (default NAME: signing)
 *   bun build/keys.ts certify --root-key root.key --pub signing.pub [--days 365] [--from ISO] --out signing.cert
 *       the root's certificate of a signing key, valid from now (or --from) for --days
 *   bun build/keys.ts revoke --root-key root.key [--list revocations.json] [--key-id ID --reason TEXT] --out FILE
 *       a new revocation list: the old one (if any) plus ID, its serial one higher;
 *       without --key-id, the first (empty) list
 *   bun build/keys.ts show FILE
 *       what a certificate, revocation list or .sig bundle says, without checking it
 *
 * Nothing is ever overwritten: --out must not exist.
 */
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { certifyKey, isSignedBlob, keyIdOf, openRevocations, publicKeyOf, signRevocations } from "../src/common/release-signing/index.ts";

const [command, ...rest] = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? rest[i + 1] : undefined;
};
const need = (name: string): string => opt(name) ?? fail(`--${name} is required`);

function fail(message: string): never {
  console.error(`keys ${command ?? ""}: ${message}`);
  process.exit(2);
}

function writeNew(path: string, text: string, mode = 0o644): void {
  if (existsSync(path)) fail(`${path} exists; nothing is overwritten`);
  writeFileSync(path, text, { mode, flag: "wx" });
  console.log(`wrote ${path}`);
}

function newKeyPair(dir: string, name: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync("ed25519");
  const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  const pub = publicKeyOf(pem);
  writeNew(join(dir, `${name}.key`), pem, 0o600);
  writeNew(join(dir, `${name}.pub`), `${pub}\n`);
  console.log(`key id ${keyIdOf(pub)}`);
}

switch (command) {
  case "root":
    newKeyPair(need("out"), "root");
    break;
  case "signing":
    newKeyPair(need("out"), opt("name") ?? "signing");
    break;
  case "certify": {
    const from = opt("from") ? new Date(opt("from")!) : new Date();
    const days = Number(opt("days") ?? "365");
    if (Number.isNaN(from.getTime()) || !(days > 0)) fail("--from must be an ISO time and --days a positive number");
    const cert = certifyKey(readFileSync(need("root-key"), "utf8"), {
      publicKey: readFileSync(need("pub"), "utf8").trim(),
      notBefore: from,
      notAfter: new Date(from.getTime() + days * 86_400_000),
      serial: Math.floor(Date.now() / 1000),
    });
    writeNew(need("out"), `${JSON.stringify(cert, null, 2)}\n`);
    break;
  }
  case "revoke": {
    const rootPem = readFileSync(need("root-key"), "utf8");
    const oldFile = opt("list");
    const old = oldFile ? openRevocations(JSON.parse(readFileSync(oldFile, "utf8")), publicKeyOf(rootPem)) : undefined;
    if (oldFile && !old) fail(`${oldFile} is not a revocation list signed by this root key`);
    const keyId = opt("key-id");
    const added = keyId ? [{ keyId, at: new Date().toISOString(), reason: need("reason") }] : [];
    const list = signRevocations(rootPem, {
      serial: (old?.serial ?? 0) + 1,
      issuedAt: new Date().toISOString(),
      revoked: [...(old?.revoked ?? []), ...added],
    });
    writeNew(need("out"), `${JSON.stringify(list, null, 2)}\n`);
    break;
  }
  case "show": {
    const file = JSON.parse(readFileSync(rest[0] ?? fail("give a file"), "utf8"));
    for (const [part, blob] of Object.entries(file.body ? { file } : file)) {
      if (isSignedBlob(blob)) console.log(part, `(signed by ${blob.keyId}):`, JSON.parse(blob.body));
    }
    break;
  }
  default:
    fail("commands: root, signing, certify, revoke, show (see the top of build/keys.ts)");
}
