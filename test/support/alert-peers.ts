/**
 * Peers of the alert tests, on 127.0.0.1: a webhook receiver that records
 * every request, and an SMTP server (smtp-server) with STARTTLS and a test
 * certificate from a CA of our own (ensureHubTls), recording each message,
 * whether it came over TLS, and each sign-in. Each is closed by `close()`.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { ensureHubTls } from "../../src/hub/tls/index.ts";
import type { HubTls } from "../../src/hub/tls/index.ts";
import { tempDir } from "./temp-dir.ts";

/** A request the receiver got. */
export interface WebhookHit {
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A running receiver. */
export interface WebhookReceiver {
  hits: WebhookHit[];
  /** http(s)://127.0.0.1:PORT */
  url: string;
  close(): void;
}

/** A receiver answering each request with `answer` (default 204), over TLS when given a key and chain. */
export async function startWebhookReceiver(
  answer: (req: IncomingMessage, res: ServerResponse) => void = (_q, res) => void res.writeHead(204).end(),
  tls?: { key: string; cert: string },
): Promise<WebhookReceiver> {
  const hits: WebhookHit[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      hits.push({ path: req.url ?? "", headers: req.headers, body });
      answer(req, res);
    });
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    hits,
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** A message the SMTP server got. */
export interface ReceivedMail {
  /** It came over TLS (STARTTLS or TLS from the start). */
  secure: boolean;
  protocol: string;
  user: string;
  from: string;
  to: string[];
  data: string;
}

/** A running SMTP server. */
export interface SmtpPeer {
  port: number;
  got: ReceivedMail[];
  /** Usernames that tried to sign in. */
  auths: string[];
  /** The CA that signed its certificate (PEM). */
  caPem: string;
  tls: HubTls;
  close(): void;
}

/** The user the SMTP peer takes. */
export const SMTP_USER = "alerts";
/** Its password. */
export const SMTP_PASSWORD = "relay-password-9f8e7d";

let certs: HubTls | undefined;

/** An SMTP server with STARTTLS and sign-in required (options override, e.g. disabledCommands: ["STARTTLS"]). */
export async function startSmtpPeer(opts: Partial<SMTPServerOptions> = {}): Promise<SmtpPeer> {
  const tls = (certs ??= ensureHubTls(tempDir("dca-smtp-tls-"), { hostnames: ["127.0.0.1", "localhost"] }));
  const got: ReceivedMail[] = [];
  const auths: string[] = [];
  const server = new SMTPServer({
    key: tls.key,
    cert: tls.cert,
    logger: false,
    authMethods: ["PLAIN", "LOGIN"],
    onAuth(auth, _session, cb) {
      auths.push(auth.username ?? "");
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) cb(null, { user: auth.username });
      else cb(new Error("Invalid username or password"));
    },
    onData(stream, session, cb) {
      let data = "";
      stream.setEncoding("utf8");
      stream.on("data", (c: string) => (data += c));
      stream.on("end", () => {
        got.push({
          secure: session.secure,
          protocol: session.tlsOptions ? (session.tlsOptions.version ?? "") : "",
          user: String(session.user ?? ""),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
        });
        cb();
      });
    },
    ...opts,
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { port: (server.server.address() as AddressInfo).port, got, auths, caPem: tls.caPem!, tls, close: () => server.close() };
}
