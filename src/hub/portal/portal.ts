/**
 * The portal as the hub's server mounts it: the Hono app (portal-app.ts)
 * over the hub's own guarded AdminService, behind an adapter from
 * node:http2's request and response (HTTP/2, or HTTP/1.1 through
 * allowHTTP1) to fetch's Request and Response (@hono/node-server; it must
 * not replace the process's global Request and Response, which Connect and
 * the OIDC client use).
 */
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { ServiceImpl } from "@connectrpc/connect";
import { getRequestListener } from "@hono/node-server";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { createInProcessAdmin } from "./in-process-admin.ts";
import { createPortalApp } from "./portal-app.ts";

export interface PortalOptions {
  /** AdminService already behind guardAdminService: the same one the hub's door serves. */
  guarded: Partial<ServiceImpl<typeof AdminService>>;
  /** The hub's public URL (forms must come from its origin); default the origin each request came to. */
  publicUrl?: string;
  log?: (line: string) => void;
  /** Told of each request with a valid session (the connection guard keeps its connection). */
  onSignedIn?: (req: Http2ServerRequest) => void;
}

/** A request handler for the hub's server (start-hub.ts sends the portal's requests here). */
export function createPortal(opts: PortalOptions): (req: Http2ServerRequest, res: Http2ServerResponse) => void {
  const app = createPortalApp({
    adminFor: createInProcessAdmin(opts.guarded),
    publicUrl: opts.publicUrl,
    log: opts.log,
    onSignedIn: (env) => env.incoming && opts.onSignedIn?.(env.incoming as Http2ServerRequest),
  });
  const listener = getRequestListener(app.fetch, {
    overrideGlobalObjects: false,
    errorHandler: (e) => {
      opts.log?.(`portal: request failed: ${e instanceof Error ? e.message : String(e)}`);
      return new Response("bad request\n", { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
    },
  });
  return (req, res) => {
    listener(req, res).catch((e) => opts.log?.(`portal: answer failed: ${e instanceof Error ? e.message : String(e)}`));
  };
}
