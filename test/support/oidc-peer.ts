/**
 * A real OpenID Connect provider on loopback for the hub's OIDC client:
 * panva's oidc-provider (the certified implementation many IdPs build on),
 * in this process, over https with a certificate from a test CA, one
 * confidential client, and accounts with a groups claim. Its development
 * interactions (a login form and a consent form) stand in for the provider's
 * pages; signIn() plays the browser with plain fetch and a cookie jar.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { type Server, createServer } from "node:https";
import { join } from "node:path";
import Provider, { type Configuration } from "oidc-provider";
import { ensureHubTls } from "../../src/hub/tls/index.ts";
import { tempDir } from "./temp-dir.ts";

/** An account at the provider. */
export interface OidcPeerUser {
  /** The subject (sub) and the login typed into the form. */
  accountId: string;
  preferredUsername?: string;
  name?: string;
  email?: string;
  groups: string[];
}

/** What the provider serves. */
export interface OidcPeerOptions {
  /** Redirect URIs registered for the client. */
  redirectUris: string[];
  users?: OidcPeerUser[];
  /** Put the profile, email and groups claims into the ID token too (default: userinfo only, as the spec's default). */
  claimsInIdToken?: boolean;
}

/** A running provider. */
export interface OidcPeer {
  /** "https://127.0.0.1:PORT" */
  issuer: string;
  /** PEM file of the CA that signed its certificate. */
  caPath: string;
  /** PEM file of another CA, which did not sign it. */
  otherCaPath: string;
  clientId: string;
  clientSecret: string;
  users: OidcPeerUser[];
  /**
   * Plays the browser: opens `authorizationUrl`, signs in as `accountId` on
   * the login form, confirms the consent form, and returns the URL the
   * provider sends the browser back to (the redirect URI with code and state).
   */
  signIn(authorizationUrl: string, accountId: string): Promise<string>;
  stop(): Promise<void>;
}

/** alice in printadmins, bob in techs and viewers, carol in no group. */
export const OIDC_USERS: OidcPeerUser[] = [
  { accountId: "alice-sub", preferredUsername: "alice", name: "Alice Admin", email: "alice@dca.test", groups: ["printadmins"] },
  { accountId: "bob-sub", preferredUsername: "bob", name: "Bob Tech", email: "bob@dca.test", groups: ["techs", "viewers"] },
  { accountId: "carol-sub", preferredUsername: "carol", name: "Carol Nogroup", email: "carol@dca.test", groups: [] },
];

function providerConfig(opts: OidcPeerOptions, users: OidcPeerUser[], clientId: string, clientSecret: string): Configuration {
  const jwk = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  return {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: opts.redirectUris, grant_types: ["authorization_code"], response_types: ["code"] }],
    claims: { openid: ["sub"], profile: ["name", "preferred_username"], email: ["email"], groups: ["groups"] },
    conformIdTokenClaims: !opts.claimsInIdToken,
    jwks: { keys: [{ ...jwk, kid: "test-key", use: "sig", alg: "RS256" } as never] },
    cookies: { keys: [randomBytes(16).toString("hex")] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    // Set, so the provider does not warn about its defaults at every first use.
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    async findAccount(_ctx, id) {
      const user = users.find((u) => u.accountId === id);
      if (!user) return undefined;
      return {
        accountId: id,
        claims: async () => ({ sub: id, preferred_username: user.preferredUsername, name: user.name, email: user.email, groups: user.groups }),
      };
    },
  };
}

/** Starts the provider on 127.0.0.1 with a free port. */
export async function startOidcPeer(opts: OidcPeerOptions): Promise<OidcPeer> {
  const dir = tempDir("dca-oidc-");
  const tls = ensureHubTls(join(dir, "tls"), { hostnames: ["127.0.0.1", "localhost"] });
  const other = ensureHubTls(join(dir, "other"), { hostnames: ["127.0.0.1"] });
  const users = opts.users ?? OIDC_USERS;
  const clientId = "dca-hub";
  const clientSecret = randomBytes(24).toString("base64url");
  let handler: ((req: never, res: never) => void) | undefined;
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => handler!(req as never, res as never));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  const provider = new Provider(issuer, providerConfig(opts, users, clientId, clientSecret));
  handler = provider.callback() as never;
  return {
    issuer,
    caPath: tls.caPath!,
    otherCaPath: other.caPath!,
    clientId,
    clientSecret,
    users,
    signIn: (url, accountId) => playBrowser(url, accountId, opts.redirectUris, tls.caPem!),
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // close() waits for open connections; fetch keeps them alive.
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Follows redirects and submits the forms it meets until the provider sends the browser to a redirect URI. */
async function playBrowser(start: string, accountId: string, redirectUris: string[], ca: string): Promise<string> {
  const jar = new Map<string, string>();
  let next: { url: string; form?: URLSearchParams } = { url: start };
  for (let step = 0; step < 12; step++) {
    if (redirectUris.some((r) => next.url.startsWith(r))) return next.url;
    const res = await fetch(next.url, {
      method: next.form ? "POST" : "GET",
      body: next.form,
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") },
      redirect: "manual",
      tls: { ca },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair.indexOf("=");
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const body = await res.text();
    const location = res.headers.get("location");
    if (location) {
      next = { url: new URL(location, next.url).href };
      continue;
    }
    const action = /<form[^>]*action="([^"]+)"/.exec(body)?.[1];
    if (res.status !== 200 || !action) throw new Error(`the OIDC provider answered ${res.status} at ${next.url}: ${body.slice(0, 500)}`);
    const form = new URLSearchParams();
    for (const m of body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) form.set(m[1], m[2]);
    if (form.get("prompt") === "login") form.set("login", accountId), form.set("password", "any");
    next = { url: new URL(action.replaceAll("&amp;", "&"), next.url).href, form };
  }
  throw new Error(`the OIDC provider did not send the browser back within 12 steps (last at ${next.url})`);
}
