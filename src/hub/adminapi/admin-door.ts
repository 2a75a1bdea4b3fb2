/**
 * AdminService on the hub's port: the credential of every call but sign-in
 * is checked before its body is read, each method's rule (src/hub/access)
 * before its handler runs, and the audit log records changes, sensitive
 * reads and every refusal. Handlers only add the site check of their rows.
 */
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { Code, ConnectError, type HandlerContext, type ServiceImpl, createConnectRouter, createContextValues } from "@connectrpc/connect";
import { compressionBrotli, compressionGzip, universalRequestFromNodeRequest, universalResponseToNodeResponse } from "@connectrpc/connect-node";
import { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { DcaError } from "../../common/errors.ts";
import { type AdminMethod, type Caller, METHOD_RULES, type MethodRule, permissionDenied } from "../access/index.ts";
import { toConnectError } from "../api/connect-errors.ts";
import { respondWithError, undecodableAsInvalidArgument } from "../api/protocol-errors.ts";
import { AUDIT_NOTE, type AuditNote, CALLER, CALL_ADDRESS } from "./admin-call.ts";

/** The path prefix of AdminService's methods. */
export const ADMIN_PATH_PREFIX = `/${AdminService.typeName}/`;

/** Largest request message (a release upload comes in chunks of at most this). */
export const ADMIN_REQUEST_MAX_BYTES = 1024 * 1024;

/** Finds who a bearer credential belongs to (a session or an API token). */
export interface AdminAuth {
  authenticate(authorization: string | undefined, address: string): Caller | undefined;
}

/** One audit record as the door hands it to the log. */
export interface AuditEntry {
  actor: string;
  actorUserId?: string;
  via?: string;
  address?: string;
  action: string;
  siteId?: string;
  target?: string;
  outcome: "ok" | "denied" | "failed";
  detail?: Record<string, unknown>;
}

export interface AdminDoorOptions {
  /** The handlers (a method without one answers unimplemented). */
  service: Partial<ServiceImpl<typeof AdminService>>;
  /** `service` already behind guardAdminService, when the caller shares it (the hub's portal calls the same one); made here otherwise. */
  guarded?: Partial<ServiceImpl<typeof AdminService>>;
  auth: AdminAuth;
  audit: (entry: AuditEntry) => void;
  onAuthenticated?: (req: Http2ServerRequest) => void;
  onUnauthenticated?: (req: Http2ServerRequest) => void;
  log?: (line: string) => void;
}

const UNAUTHENTICATED = "sign in first: no valid session or API token (dca-hub login --hub URL; a session ends after its idle or absolute limit)";

/** A request handler for AdminService paths (the caller routes ADMIN_PATH_PREFIX here). */
export function createAdminDoor(opts: AdminDoorOptions): (req: Http2ServerRequest, res: Http2ServerResponse) => void {
  const router = createConnectRouter({ acceptCompression: [compressionGzip, compressionBrotli], readMaxBytes: ADMIN_REQUEST_MAX_BYTES });
  router.service(AdminService, opts.guarded ?? guardAdminService(opts));
  const handlers = new Map(router.handlers.map((h) => [h.requestPath, h]));
  return (req, res) => {
    const path = (req.url ?? "").split("?", 1)[0]!;
    const handler = handlers.get(path);
    if (!handler) {
      res.writeHead(404);
      res.end();
      return;
    }
    const name = handler.method.localName as AdminMethod;
    const rule = METHOD_RULES[name];
    const address = req.socket?.remoteAddress ?? "unknown";
    const values = createContextValues().set(CALL_ADDRESS, address);
    if (rule.kind !== "open") {
      const caller = opts.auth.authenticate(req.headers.authorization, address);
      if (!caller) {
        opts.onUnauthenticated?.(req);
        return respondWithError(req, res, new ConnectError(UNAUTHENTICATED, Code.Unauthenticated));
      }
      opts.onAuthenticated?.(req);
      values.set(CALLER, caller);
    }
    const request = universalRequestFromNodeRequest(req, res, undefined, values);
    handler(request)
      .then(undecodableAsInvalidArgument)
      .then((answer) => universalResponseToNodeResponse(answer, res))
      .catch((reason) => {
        if (ConnectError.from(reason).code !== Code.Aborted) opts.log?.(`${handler.method.name} failed: ${ConnectError.from(reason).message}`);
      });
  };
}

/** Refuses a call its rule does not allow this caller (before the handler runs). */
function checkRule(rule: MethodRule, caller: Caller | undefined): void {
  if (rule.kind === "open") return;
  if (!caller) throw new DcaError("unauthenticated", UNAUTHENTICATED);
  if (caller.enrolOnly && !(rule.kind === "self" && rule.enrol)) {
    throw new DcaError("permission-denied", "this hub requires two-factor sign-in: enrol TOTP first (dca-hub account totp-enrol), then sign in again");
  }
  if (rule.kind === "self") {
    if (caller.via === "token" && !rule.tokens) throw new DcaError("permission-denied", "an API token may not change its user's account; sign in as the user");
    return;
  }
  const somewhere = rule.kind === "global" ? caller.hasGlobal(rule.permission) : caller.sitesWith(rule.permission) === "all" || (caller.sitesWith(rule.permission) as ReadonlySet<string>).size > 0;
  if (!somewhere) throw permissionDenied(caller.username, rule.permission, rule.kind === "global" ? undefined : "any site");
}

/**
 * Every method of `opts.service` behind its rule and the audit log. The caller is the one the
 * HTTP door found, or (an in-process transport: tests, the portal) the request's own bearer.
 */
export function guardAdminService(opts: Pick<AdminDoorOptions, "service" | "auth" | "audit" | "log">): Partial<ServiceImpl<typeof AdminService>> {
  const out: Record<string, unknown> = {};
  for (const method of AdminService.methods) {
    const name = method.localName as AdminMethod;
    const impl = opts.service[name] as ((req: unknown, ctx: HandlerContext) => unknown) | undefined;
    if (!impl) continue;
    const rule = METHOD_RULES[name];
    const record = (ctx: HandlerContext, outcome: AuditEntry["outcome"], error?: unknown) => {
      const n: AuditNote = ctx.values.get(AUDIT_NOTE) ?? {};
      const denied = outcome === "denied" || n.outcome === "denied";
      if (!rule.audit && !denied && !(rule.kind === "open" && (outcome !== "ok" || n.outcome))) return;
      const caller = ctx.values.get(CALLER);
      const detail = { ...n.detail, ...(error ? { error: DcaError.from(error).message } : {}) };
      try {
        opts.audit({
          actor: caller?.username ?? n.actor ?? "(not signed in)",
          actorUserId: caller?.userId ?? n.actorUserId,
          via: caller ? `${caller.via}:${caller.credentialId}` : "",
          address: ctx.values.get(CALL_ADDRESS),
          action: method.name,
          siteId: n.siteId,
          target: n.target,
          outcome: n.outcome ?? outcome,
          detail: Object.keys(detail).length ? detail : undefined,
        });
      } catch (e) {
        opts.log?.(`audit log: could not record ${method.name}: ${DcaError.from(e).message}`);
      }
    };
    const outcomeOf = (e: unknown) => (DcaError.from(e).code === "permission-denied" ? "denied" : "failed");
    const run = async <T>(ctx: HandlerContext, body: () => Promise<T>): Promise<T> => {
      try {
        if (rule.kind !== "open" && !ctx.values.get(CALLER)) {
          const caller = opts.auth.authenticate(ctx.requestHeader.get("authorization") ?? undefined, ctx.values.get(CALL_ADDRESS));
          if (caller) ctx.values.set(CALLER, caller);
        }
        checkRule(rule, ctx.values.get(CALLER));
        const answer = await body();
        record(ctx, "ok");
        return answer;
      } catch (e) {
        record(ctx, outcomeOf(e), e);
        throw toConnectError(e, opts.log);
      }
    };
    if (method.methodKind === "server_streaming") {
      out[name] = async function* (req: unknown, ctx: HandlerContext) {
        const items: unknown[] = [];
        // A stream's records are checked before the first item goes out; the audit record follows the last.
        yield* await run(ctx, async () => {
          const gen = impl(req, ctx) as AsyncIterable<unknown>;
          const it = gen[Symbol.asyncIterator]();
          const first = await it.next();
          if (!first.done) items.push(first.value);
          return (async function* () {
            yield* items;
            for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
          })();
        });
      };
    } else {
      out[name] = (req: unknown, ctx: HandlerContext) => run(ctx, async () => impl(req, ctx));
    }
  }
  return out as Partial<ServiceImpl<typeof AdminService>>;
}
