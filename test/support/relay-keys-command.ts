/**
 * sshd's AuthorizedKeysCommand as docs/web-access.md sets it up: a script
 * running `dca-hub relay authorized-keys --hub URL --token-file F --ca CA`
 * with an API token of scope "relay" of a user kept for it (a global admin),
 * made here in the hub's store as an owner would make it through the API.
 */
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openHubStore } from "../../src/hub/store/index.ts";
import { hubCommand } from "./service-peers.ts";

/** What the script needs of the hub. */
export interface RelayKeysHub {
  /** https://127.0.0.1:PORT */
  url: string;
  /** The hub's CA (PEM file). */
  caPath: string;
  dataDir: string;
}

/**
 * Writes `<dir>/authorized-keys` (root-owned, 0755, as sshd demands) and the token file
 * beside it (0600); returns the script's path and the token's id. `dir` must be a folder sshd
 * accepts (not /tmp).
 */
export function writeRelayKeysCommand(dir: string, hub: RelayKeysHub): { script: string; tokenId: string } {
  const store = openHubStore(hub.dataDir);
  let made: { token: { id: string }; secret: string };
  try {
    const user = store.createUser({ username: `relay-keys-${Date.now().toString(36)}`, createdBy: "test" });
    store.grantRole({ userId: user.id, role: "admin" });
    made = store.createApiToken({ userId: user.id, name: "sshd AuthorizedKeysCommand", scope: "relay", expiresAt: new Date(Date.now() + 86_400_000) });
  } finally {
    store.close();
  }
  const tokenFile = join(dir, "relay-token");
  writeFileSync(tokenFile, `${made.secret}\n`, { mode: 0o600 });
  const script = join(dir, "authorized-keys");
  writeFileSync(script, `#!/bin/sh\nexec ${hubCommand().join(" ")} relay authorized-keys --hub ${hub.url} --token-file ${tokenFile} --ca ${hub.caPath}\n`);
  chmodSync(script, 0o755);
  return { script, tokenId: made.token.id };
}
