/**
 * The admin commands' connection to a hub: AdminService over HTTP/2 with
 * TLS, trusting only the CA saved at login (or the system's CAs), with the
 * bearer on every call. A hub's refusal comes back as a DcaError, so a
 * command fails with the hub's one line and the exit code of its kind.
 */
import { Code, ConnectError, type Client, type Interceptor, createClient } from "@connectrpc/connect";
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

/** Sends the bearer on every call and turns a failure into the DcaError a command reports. */
export function bearerInterceptor(token: string, hub: string): Interceptor {
  return (next) => async (req) => {
    if (token) req.header.set("authorization", `Bearer ${token}`);
    try {
      return await next(req);
    } catch (e) {
      throw hubError(e, hub);
    }
  };
}

/** A client of the session's hub. */
export function connectAdmin(session: Pick<HubSession, "hub" | "ca" | "token">): AdminClient {
  const transport = createConnectTransport({
    baseUrl: session.hub,
    httpVersion: "2",
    defaultTimeoutMs: CALL_TIMEOUT_MS,
    interceptors: [bearerInterceptor(session.token, session.hub)],
    nodeOptions: session.ca ? { ca: session.ca } : {},
  });
  return createClient(AdminService, transport);
}
