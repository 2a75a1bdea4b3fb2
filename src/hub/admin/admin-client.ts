/**
 * The admin commands' connection to a hub: AdminService over HTTP/2 with
 * TLS, trusting only the CA saved at login (or the system's CAs), with the
 * bearer on every call. A hub's refusal comes back as a DcaError, so a
 * command fails with the hub's one line and the exit code of its kind.
 */
import { Code, ConnectError, type Client, type Interceptor, type Transport, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { errorCodeOfConnect } from "../../common/connect-code.ts";
import { DcaError } from "../../common/errors.ts";
import type { HubSession } from "./hub-session.ts";

/** A typed AdminService client. */
export type AdminClient = Client<typeof AdminService>;

/** How long one admin call may take (an upload sets its own). */
const CALL_TIMEOUT_MS = 60_000;

/** What a transport error means for a person at the keyboard. */
function hubError(e: unknown, hub: string): DcaError {
  if (e instanceof DcaError) return e;
  const c = ConnectError.from(e);
  if (c.code === Code.Unavailable || c.code === Code.Unknown || c.code === Code.Internal) {
    const cause = String((c.cause as Error | undefined)?.message ?? c.rawMessage);
    if (/certificate|self[- ]signed|CERT|unable to verify/i.test(cause)) {
      return new DcaError("unavailable", `the hub ${hub} does not present a certificate from the CA saved at login (${cause}); sign in again with the right --ca`);
    }
    if (c.code !== Code.Internal) return new DcaError("unavailable", `cannot reach the hub ${hub} (${cause}); is it running, and is the URL right?`);
  }
  return new DcaError(errorCodeOfConnect(c.code), c.rawMessage);
}

/** Sends the bearer on every call. */
export function bearerInterceptor(token: string): Interceptor {
  return (next) => async (req) => {
    if (token) req.header.set("authorization", `Bearer ${token}`);
    return await next(req);
  };
}

/**
 * An AdminService client whose failures are DcaErrors a command reports as they are (Connect's
 * client would turn an error thrown in an interceptor into "unknown", so this wraps the methods).
 */
export function createAdminClient(transport: Transport, hub: string): AdminClient {
  const client = createClient(AdminService, transport);
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(client) as [string, (...a: unknown[]) => unknown][]) {
    wrapped[name] = (...args: unknown[]) => {
      const r = method(...args);
      if (r instanceof Promise) return r.catch((e) => Promise.reject(hubError(e, hub)));
      const stream = r as AsyncIterable<unknown>;
      return (async function* () {
        try {
          yield* stream;
        } catch (e) {
          throw hubError(e, hub);
        }
      })();
    };
  }
  return wrapped as AdminClient;
}

/** A client of the session's hub. */
export function connectAdmin(session: Pick<HubSession, "hub" | "ca" | "token">): AdminClient {
  const transport = createConnectTransport({
    baseUrl: session.hub,
    httpVersion: "2",
    defaultTimeoutMs: CALL_TIMEOUT_MS,
    interceptors: [bearerInterceptor(session.token)],
    nodeOptions: session.ca ? { ca: session.ca } : {},
  });
  return createAdminClient(transport, session.hub);
}
