/**
 * The hub's API handler for node:http2: AgentService with each method's own
 * request size limit, and the checks that need no body done before it is
 * read (Connect decodes a request before any interceptor runs): a declared
 * length over the method's limit, the bearer credential of every method
 * but Activate and CheckLockout, and an uploading agent's used-up quota. A body that does not decode is the client's
 * error (protocol-errors.ts). GET /releases/<sha256> serves the release files the hub keeps, to agents
 * with a valid credential (release-files.ts).
 */
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { Code, ConnectError, type ContextValues, type ServiceImpl, createConnectRouter, createContextValues } from "@connectrpc/connect";
import { compressionBrotli, compressionGzip, universalRequestFromNodeRequest, universalResponseToNodeResponse } from "@connectrpc/connect-node";
import { AgentService } from "../../gen/dca/v1/agent_service_pb.ts";
import { REQUEST_MAX_BYTES } from "../../common/wire-limits.ts";
import type { AgentApiStore } from "../store/index.ts";
import { AUTHENTICATED_AGENT, UNAUTHENTICATED_MESSAGE, agentFromAuthorization } from "./bearer.ts";
import { respondWithError, undecodableAsInvalidArgument } from "./protocol-errors.ts";
import { toConnectError } from "./connect-errors.ts";
import type { ReadingIntake } from "./reading-intake.ts";
import { isReleasePath, serveReleaseFile } from "./release-files.ts";

/** The methods an agent calls before it has a credential. */
const OPEN_METHODS: ReadonlySet<string> = new Set(["activate", "checkLockout"]);

type MethodName = keyof typeof REQUEST_MAX_BYTES;

export interface FrontDoorOptions {
  service: ServiceImpl<typeof AgentService>;
  store: AgentApiStore;
  /** Asked before an upload's body is read whether the agent may store anything now. */
  intake?: Pick<ReadingIntake, "refusal">;
  contextValues?: (req: Http2ServerRequest) => ContextValues;
  /** Told of each call whose credential holds (the connection guard keeps such connections). */
  onAuthenticated?: (req: Http2ServerRequest) => void;
  /** Told of each call refused for its credential. */
  onUnauthenticated?: (req: Http2ServerRequest) => void;
  log?: (line: string) => void;
  /** The data folder whose releases/ the hub serves (undefined: none served). */
  dataDir?: string;
}

/** A request handler for an HTTP/2 server: AgentService behind the checks above; other paths get 404. */
export function createFrontDoor(opts: FrontDoorOptions): (req: Http2ServerRequest, res: Http2ServerResponse) => void {
  const router = createConnectRouter({ acceptCompression: [compressionGzip, compressionBrotli] });
  for (const method of AgentService.methods) {
    const name = method.localName as MethodName;
    router.rpc(method, opts.service[name] as never, { readMaxBytes: REQUEST_MAX_BYTES[name] });
  }
  const handlers = new Map(router.handlers.map((h) => [h.requestPath, h]));
  /** The agent whose credential the request carries; undefined after answering it with the refusal. */
  const authenticated = (req: Http2ServerRequest, res: Http2ServerResponse) => {
    const agent = agentFromAuthorization(opts.store, req.headers.authorization);
    if (agent) opts.onAuthenticated?.(req);
    else {
      opts.onUnauthenticated?.(req);
      respondWithError(req, res, new ConnectError(UNAUTHENTICATED_MESSAGE, Code.Unauthenticated));
    }
    return agent;
  };
  return (req, res) => {
    const path = (req.url ?? "").split("?", 1)[0]!;
    if (opts.dataDir !== undefined && isReleasePath(path)) {
      if (authenticated(req, res)) serveReleaseFile(opts.dataDir, req, res);
      return;
    }
    const handler = handlers.get(path);
    if (!handler) {
      res.writeHead(404);
      res.end();
      return;
    }
    const name = handler.method.localName as MethodName;
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > REQUEST_MAX_BYTES[name]) {
      const err = new ConnectError(`a ${handler.method.name} request may have at most ${REQUEST_MAX_BYTES[name]} bytes; this one says ${declared}`, Code.ResourceExhausted);
      return respondWithError(req, res, err);
    }
    const values = opts.contextValues?.(req) ?? createContextValues();
    if (!OPEN_METHODS.has(name)) {
      const agent = authenticated(req, res);
      if (!agent) return;
      // The service acts for this agent without checking its secret a second time.
      values.set(AUTHENTICATED_AGENT, agent);
      // An agent over its quota is refused before its upload is read and decoded.
      const refusal = name === "uploadReadings" ? opts.intake?.refusal(agent) : undefined;
      if (refusal) return respondWithError(req, res, toConnectError(refusal, opts.log));
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
