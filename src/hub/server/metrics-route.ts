/**
 * GET /metrics for Prometheus: AdminService's GetMetrics called in-process
 * with the request's own `Authorization: Bearer` (an API token of scope
 * "metrics", or any credential whose user may read the hub's metrics),
 * through the same guard as every AdminService call: the same rule, the
 * same audit of refusals, no second permission check here. The answer is
 * the text exposition format; a refusal is one line of text with 401 or 403.
 */
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { Code, ConnectError, type ServiceImpl, createClient, createRouterTransport } from "@connectrpc/connect";
import { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { CALL_ADDRESS } from "../adminapi/admin-call.ts";

/** Where Prometheus scrapes. */
export const METRICS_PATH = "/metrics";

const STATUS: Partial<Record<Code, number>> = {
  [Code.Unauthenticated]: 401,
  [Code.PermissionDenied]: 403,
  [Code.ResourceExhausted]: 429,
  [Code.Unavailable]: 503,
};

/** What the route tells the hub's connection guard, and where it logs. */
export interface MetricsRouteHooks {
  /** The bearer was a valid credential (allowed or not): the connection leaves the unauthenticated pool. */
  onAuthenticated?: (req: Http2ServerRequest) => void;
  /** No valid credential: the connection is closed once its calls are done. */
  onUnauthenticated?: (req: Http2ServerRequest) => void;
  log?: (line: string) => void;
}

/** The /metrics handler over the guarded AdminService (guardAdminService's output). */
export function createMetricsRoute(guarded: Partial<ServiceImpl<typeof AdminService>>, hooks: MetricsRouteHooks = {}): (req: Http2ServerRequest, res: Http2ServerResponse) => void {
  const getMetrics = guarded.getMetrics;
  return (req, res) => {
    const answer = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers });
      if (req.method === "HEAD") res.end();
      else res.end(body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return answer(405, "/metrics answers GET\n", { allow: "GET, HEAD" });
    if (!getMetrics) return answer(404, "this hub has no metrics\n");
    const address = req.socket?.remoteAddress ?? "unknown";
    // A router of this one method per request: its interceptor hands the guard the caller's address.
    const transport = createRouterTransport(({ rpc }) => rpc(AdminService.method.getMetrics, getMetrics), {
      router: {
        interceptors: [
          (next) => (r) => {
            r.contextValues.set(CALL_ADDRESS, address);
            return next(r);
          },
        ],
      },
    });
    const authorization = req.headers.authorization ?? "";
    createClient(AdminService, transport)
      .getMetrics({}, { headers: authorization ? { authorization } : {} })
      .then((r) => {
        hooks.onAuthenticated?.(req);
        answer(200, r.text, { "content-type": r.contentType });
      })
      .catch((e: unknown) => {
        const err = ConnectError.from(e);
        const status = STATUS[err.code] ?? 500;
        if (status === 401) hooks.onUnauthenticated?.(req);
        else hooks.onAuthenticated?.(req);
        if (status === 500) hooks.log?.(`GET /metrics failed: ${err.rawMessage}`);
        answer(status, `${err.rawMessage}\n`, status === 401 ? { "www-authenticate": 'Bearer realm="dca-hub"' } : {});
      });
  };
}
