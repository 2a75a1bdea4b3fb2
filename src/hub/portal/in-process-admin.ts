/**
 * The portal's way to AdminService: the hub's own guarded service (the very
 * one its HTTP door serves, rules and audit log included) called in-process,
 * with no socket and no TLS. Each client carries the browser's session token
 * as its bearer and the browser's address as the call's CALL_ADDRESS, so a
 * page is refused, rate limited and audited exactly as the same call over
 * the network would be. Connect's router transport cannot hand a handler
 * context values, hence this small client function of our own.
 */
import { Code, ConnectError, type ServiceImpl, createConnectRouter, createContextValues } from "@connectrpc/connect";
import { type UniversalClientFn, createAsyncIterable } from "@connectrpc/connect/protocol";
import { createTransport } from "@connectrpc/connect/protocol-connect";
import { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { type AdminClient, bearerInterceptor, createAdminClient } from "../admin/admin-client.ts";
import { CALL_ADDRESS } from "../adminapi/admin-call.ts";
import { ADMIN_REQUEST_MAX_BYTES } from "../adminapi/admin-door.ts";

/**
 * Makes an AdminClient acting with `bearer` (a session token, or none) for a caller at `address`,
 * whose calls' URL is on `origin` (the one the browser reached: StartSsoSignIn makes the SSO
 * redirect URI from it when the hub has no --public-url).
 */
export type AdminClientFor = (bearer: string | undefined, address: string, origin: string) => AdminClient;

/** Clients of `guarded` (a service already behind guardAdminService). */
export function createInProcessAdmin(guarded: Partial<ServiceImpl<typeof AdminService>>): AdminClientFor {
  const router = createConnectRouter({ connect: true, grpc: false, grpcWeb: false, readMaxBytes: ADMIN_REQUEST_MAX_BYTES });
  router.service(AdminService, guarded);
  const handlers = new Map(router.handlers.map((h) => [h.requestPath, h]));
  return (bearer, address, origin) => {
    const httpClient: UniversalClientFn = async (req) => {
      const handler = handlers.get(new URL(req.url).pathname);
      if (!handler) throw new ConnectError(`no AdminService method at ${new URL(req.url).pathname}`, Code.Unimplemented);
      const res = await handler({
        body: req.body ?? createAsyncIterable([]),
        httpVersion: "2.0",
        method: req.method,
        url: req.url,
        header: req.header,
        signal: req.signal ?? new AbortController().signal,
        contextValues: createContextValues().set(CALL_ADDRESS, address),
      });
      return { body: res.body ?? createAsyncIterable([]), header: new Headers(res.header), status: res.status, trailer: new Headers(res.trailer) };
    };
    const transport = createTransport({
      httpClient,
      baseUrl: origin,
      useBinaryFormat: true,
      interceptors: [bearerInterceptor(bearer ?? "")],
      acceptCompression: [],
      sendCompression: null,
      compressMinBytes: Number.MAX_SAFE_INTEGER,
      readMaxBytes: Number.MAX_SAFE_INTEGER,
      writeMaxBytes: ADMIN_REQUEST_MAX_BYTES,
    });
    return createAdminClient(transport, "this hub");
  };
}
