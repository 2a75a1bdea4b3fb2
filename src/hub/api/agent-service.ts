/**
 * The hub side of AgentService. Every call but Activate and CheckLockout is
 * authenticated with the agent's bearer credential; each request is checked
 * before it reaches the store, and an agent only ever touches its own site.
 * Failures are DcaErrors, answered with their Connect code (connect-errors.ts).
 */
import { plural } from "../../common/text.ts";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createContextKey, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import {
  ActivateResponseSchema,
  AgentService,
  CheckLockoutResponseSchema,
  type MqttSettings,
  PollResponseSchema,
  ReportTaskResultResponseSchema,
  UploadReadingsResponseSchema,
} from "../../gen/dca/v1/agent_service_pb.ts";
import { DcaError } from "../../common/errors.ts";
import type { Agent, AgentApiStore } from "../store/index.ts";
import { AUTHENTICATED_AGENT, UNAUTHENTICATED_MESSAGE, agentFromAuthorization } from "./bearer.ts";
import { withConnectErrors } from "./connect-errors.ts";
import { type ActivationGate, createActivationGate } from "./activation-gate.ts";
import { createRateLimiter } from "./rate-limiter.ts";
import { createAgentQuota } from "./agent-quota.ts";
import { type ReadingIntake, createReadingIntake } from "./reading-intake.ts";
import { releaseOffer, revokedKeyIds } from "./release-offer.ts";
import { type Clock, systemClock } from "../../common/clock.ts";
import {
  MAX_READINGS_PER_UPLOAD,
  checkActivateRequest,
  checkInstallId,
  checkPollRequest,
  checkReportTaskResult,
  checkUploadRequest,
  sshPublicKeyOf,
} from "./validate-request.ts";
import { type TaskRelay, registerAgentSshKey } from "./agent-ssh-key-intake.ts";
import type { TaskEvents } from "./task-events.ts";

export interface AgentServiceOptions {
  store: AgentApiStore;
  /** Default seconds between polls when the site config says 0. */
  defaultPollSeconds?: number;
  /** Activation attempts allowed per client address per minute. */
  activationsPerMinute?: number;
  /** The budget over all addresses (default: a gate of its own with ACTIVATION_GATE). */
  activationGate?: ActivationGate;
  /** Where an agent listens for wake-up nudges (MQTT); undefined or no answer: poll only. */
  mqttSettings?: (agentId: string, requestUrl: string) => MqttSettings | undefined;
  /** Fills in the relay of web-access tasks as they are handed out (undefined: no relay; tasks go as stored). */
  taskRelay?: TaskRelay;
  /** What takes uploads (default: an intake of its own with DEFAULT_AGENT_QUOTA). */
  intake?: ReadingIntake;
  clock?: Clock;
  log?: (line: string) => void;
  /** Told when a task is handed out or its result stored (WatchTask follows them). */
  taskEvents?: TaskEvents;
}

/** The calling agent, or `unauthenticated` (the front door already refused most such calls before their body). */
function authenticate(store: AgentApiStore, ctx: HandlerContext): Agent {
  const agent = ctx.values.get(AUTHENTICATED_AGENT) ?? agentFromAuthorization(store, ctx.requestHeader.get("authorization"));
  if (!agent) throw new DcaError("unauthenticated", UNAUTHENTICATED_MESSAGE);
  return agent;
}

/** Set by the server from the TCP peer (connectNodeAdapter's contextValues). */
export const REMOTE_ADDRESS = createContextKey<string>("unknown");

const remoteOf = (ctx: HandlerContext) => ctx.values.get(REMOTE_ADDRESS);

export function createAgentService(opts: AgentServiceOptions): ServiceImpl<typeof AgentService> {
  const { store } = opts;
  const log = opts.log ?? (() => {});
  const defaultPoll = opts.defaultPollSeconds ?? 300;
  const limiter = createRateLimiter(opts.activationsPerMinute ?? 30, 60_000);
  const clock = opts.clock ?? systemClock;
  const gate = opts.activationGate ?? createActivationGate(clock);
  const intake = opts.intake ?? createReadingIntake(store, createAgentQuota(clock), log);
  const sshKeyNotes = new Set<string>();

  const service: ServiceImpl<typeof AgentService> = {
    async activate(req, ctx) {
      checkActivateRequest(req);
      if (!limiter.take(remoteOf(ctx))) throw new DcaError("resource-exhausted", "too many activation attempts; wait a minute");
      await gate.admit(remoteOf(ctx));
      const r = store.activate({
        code: req.code,
        installId: req.installId,
        hostname: req.hostname,
        agentVersion: req.agentVersion,
        platform: req.platform,
        sshPublicKey: sshPublicKeyOf(req.sshPublicKey),
      });
      if (!r.ok) {
        log(`activation refused for install ${req.installId}: ${r.reason} (${r.failedAttempts} failed)`);
        if (r.reason === "install-locked") {
          throw new DcaError(
            "locked",
            `this install is locked after ${r.failedAttempts} failed activations; a hub admin must run "dca-hub install reset ${req.installId}"`,
          );
        }
        const what = r.reason === "invalid" ? "not valid" : r.reason === "expired" ? "expired" : "already used";
        throw new DcaError("permission-denied", `activation code ${what} (${plural(r.attemptsLeft, "attempt")} left for this install)`);
      }
      log(`agent ${r.agent.id} activated for site ${r.site.name} (install ${req.installId}, host ${req.hostname})`);
      return create(ActivateResponseSchema, {
        agentId: r.agent.id,
        secret: r.secret,
        siteId: r.site.id,
        siteName: r.site.name,
        config: store.getSiteConfig(r.site.id),
        mqtt: opts.mqttSettings?.(r.agent.id, ctx.url),
      });
    },

    async poll(req, ctx) {
      const agent = authenticate(store, ctx);
      checkPollRequest(req);
      store.recordPoll(agent.id, {
        configVersion: req.configVersion,
        outboxDepth: req.outboxDepth,
        outboxBytes: req.outboxBytes,
        droppedReadings: req.droppedReadings,
        agentVersion: req.agentVersion,
        hostname: req.hostname,
        lastError: req.lastError,
        knownDevices: req.knownDevices,
        updateStatus: req.updateStatus,
      });
      registerAgentSshKey(store, agent, req.sshPublicKey, sshKeyNotes, log);
      const config = store.getSiteConfig(agent.siteId);
      const tasks = store.takePendingTasks(agent);
      for (const t of tasks) {
        opts.taskRelay?.fill(t, agent.id, ctx.url);
        opts.taskEvents?.changed(t.id);
      }
      const revocations = store.newestRevocationList();
      const update = releaseOffer(
        store.listReleases(),
        store.getUpdatePolicy(agent.siteId),
        { platform: agent.platform, version: req.agentVersion, utcOffsetMinutes: req.utcOffsetMinutes },
        { nowMs: clock.now(), hubOrigin: new URL(ctx.url).origin, revokedKeyIds: revokedKeyIds(revocations?.list) },
      );
      return create(PollResponseSchema, {
        update,
        revocationList: revocations && BigInt(revocations.serial) > req.revocationSerial ? revocations.list : "",
        tasks,
        config: config.version > req.configVersion ? config : undefined,
        nextPollSeconds: config.pollIntervalSeconds || defaultPoll,
        serverTime: timestampFromDate(new Date()),
        mqtt: opts.mqttSettings?.(agent.id, ctx.url),
        // Web-access sessions the hub ended (closed, expired, idle) whose tunnel the agent may still hold.
        endedWebAccess: store.endedWebAccessTasks(agent.id),
      });
    },

    async uploadReadings(req, ctx) {
      const agent = authenticate(store, ctx);
      checkUploadRequest(req);
      const r = intake.take(agent, req.readings);
      if (r.flags.length) log(`agent ${agent.id}: ${plural(r.flags.length, "counter flag")} raised`);
      return create(UploadReadingsResponseSchema, { acknowledgedIds: r.acknowledgedIds });
    },

    async reportTaskResult(req, ctx) {
      const agent = authenticate(store, ctx);
      checkReportTaskResult(req);
      if (!store.reportTaskResult(agent, req)) throw new DcaError("not-found", `no task ${req.taskId} for this agent's site`);
      opts.taskEvents?.changed(req.taskId);
      return create(ReportTaskResultResponseSchema, {});
    },

    async checkLockout(req, ctx) {
      checkInstallId(req.installId);
      if (!limiter.take(remoteOf(ctx))) throw new DcaError("resource-exhausted", "too many requests; wait a minute");
      return create(CheckLockoutResponseSchema, store.checkLockout(req.installId));
    },
  };
  return withConnectErrors(service, log);
}

export { MAX_READINGS_PER_UPLOAD };
