/**
 * The activation lockout, kept sealed on the agent's side: five wrong codes
 * and the agent refuses to work until a hub admin resets the install. The
 * count survives restarts, deleting a file, and copying the folder; see
 * docs/security.md for what it cannot survive.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { AgentLockedError } from "./agent-locked-error.ts";
import { type InstallMaterial, installMaterial, prospectiveInstallMaterial } from "./install-id.ts";
import { type CopyReport, type SealedRecord, readSealed, sealedCopies, writeSealed } from "./sealed-copies.ts";
import { AGENT_DB, IDENTITY_FILE } from "./state-files.ts";
import { withStateDb, withStateDbReadOnly, type StateDb } from "./state-db.ts";

/** Failed activations after which the agent locks itself (the hub uses the same number). */
export const MAX_FAILED_ACTIVATIONS = 5;

/** The lockout as the agent sees it. */
export interface LockState {
  failedAttempts: number;
  locked: boolean;
  /** ISO 8601, when it locked. */
  lockedAt?: string;
  /** The hub's reset generation last applied; only a newer one unlocks. */
  lastResetGeneration: number;
  /** The hub the last attempt went to. */
  hubUrl?: string;
  /** How that hub was trusted (--ca or --ca-fingerprint), so that `dca unlock` needs neither again. */
  caPem?: string;
  caFingerprint?: string;
  /** Why the state was judged tampered; set means locked. */
  tampered?: string;
  /** The last failed attempt: when and why (never the code). */
  lastFailure?: { at: string; reason: string };
  /**
   * An attempt counted as failed before the hub was asked (so that stopping the process while it
   * waits does not give a free guess), with what its settling restores if the hub never judged it.
   */
  attemptInFlight?: { at: string; prior: { failedAttempts: number; locked: boolean; lockedAt?: string; lastFailure?: { at: string; reason: string } } };
}

const FRESH: LockState = { failedAttempts: 0, locked: false, lastResetGeneration: 0 };

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const LockStateSchema = v.object({
  failedAttempts: count,
  locked: v.boolean(),
  lockedAt: v.optional(v.string()),
  lastResetGeneration: count,
  hubUrl: v.optional(v.string()),
  caPem: v.optional(v.string()),
  caFingerprint: v.optional(v.string()),
  tampered: v.optional(v.string()),
  lastFailure: v.optional(v.object({ at: v.string(), reason: v.string() })),
  attemptInFlight: v.optional(
    v.object({
      at: v.string(),
      prior: v.object({
        failedAttempts: count,
        locked: v.boolean(),
        lockedAt: v.optional(v.string()),
        lastFailure: v.optional(v.object({ at: v.string(), reason: v.string() })),
      }),
    }),
  ),
});

/** The lock state with the copies it came from, for `dca status`. */
export interface LockInspection {
  installId: string;
  machineIdSource: string;
  state: LockState;
  copies: CopyReport[];
}

/** Reads the lock state (and quietly restores missing copies, or seals a tampered verdict in). */
export function readLockState(dir: string): LockState {
  return inspectLockState(dir).state;
}

/**
 * The lock state of a state folder that does not exist (deleted, or never made), read from the
 * copy outside it without creating anything: `dca status` must say "locked" where `dca activate`
 * would restore the lock and refuse. Undefined when no copy survives.
 */
export function peekLockState(dir: string): { installId: string; state: LockState } | undefined {
  const m = prospectiveInstallMaterial(dir);
  if (!m) return undefined;
  const { best, reports } = readSealed(m, sealedCopies(dir, m, undefined));
  const failed = reports.find((r) => r.status === "failed-auth");
  if (failed) return { installId: m.installId, state: tamperedState(undefined, `${failed.where} did not authenticate (edited, or copied from another machine or folder)`) };
  const state = best ? parseState(best) : undefined;
  return state ? { installId: m.installId, state } : undefined;
}

/** Like readLockState, with the install id and each copy as it was found (before any repair). */
export function inspectLockState(dir: string): LockInspection {
  const m = installMaterial(dir);
  const snap = withStateDbReadOnly(dir, (s) => evaluate(dir, m, s));
  const state = snap.repair ? mutate(dir, () => undefined).state : snap.state;
  return { installId: m.installId, machineIdSource: m.machineIdSource, state, copies: snap.reports };
}

/** What an attempt's outcome records: the hub it went to and how it was trusted. */
export interface AttemptInfo {
  hubUrl: string;
  reason: string;
  caPem?: string;
  caFingerprint?: string;
}

/** Why an attempt counted before the hub was asked stays counted if nothing settles it. */
export const UNSETTLED_ATTEMPT = "the agent stopped before the hub answered (counted as failed)";

/**
 * Counts an activation attempt as failed BEFORE the hub is asked: a process stopped while it
 * waits (Ctrl-C, kill) has still used one of its 5 attempts. {@link settleActivationAttempt}
 * then records what the hub said. Returns the new state; it may be locked (the 5th attempt).
 */
export function beginActivationAttempt(dir: string, info: Omit<AttemptInfo, "reason">): LockState {
  return mutate(dir, (s) => {
    const prior = { failedAttempts: s.failedAttempts, locked: s.locked, lockedAt: s.lockedAt, lastFailure: s.lastFailure };
    return { ...counted(s, { ...info, reason: UNSETTLED_ATTEMPT }), attemptInFlight: { at: new Date().toISOString(), prior } };
  }).state;
}

/**
 * Settles the attempt {@link beginActivationAttempt} counted: "refused" keeps it counted (with
 * the hub's reason), "accepted" resets the count, "not-counted" (the hub never judged the code:
 * unreachable, TLS, a timeout) gives the attempt back. Throws AgentLockedError on "accepted" if the
 * agent was locked before this attempt.
 */
export function settleActivationAttempt(dir: string, outcome: "accepted" | "refused" | "not-counted", reason = ""): LockState {
  return mutate(dir, (s, m) => {
    const prior = s.attemptInFlight?.prior;
    const { attemptInFlight: _, ...rest } = s;
    if (!prior) return undefined;
    if (outcome === "refused") return { ...rest, lastFailure: { at: new Date().toISOString(), reason } };
    if (outcome === "not-counted") return { ...rest, ...prior };
    if (prior.locked) throw new AgentLockedError(m.installId, s);
    return { ...rest, failedAttempts: 0, locked: false, lockedAt: undefined, lastFailure: undefined };
  }).state;
}

/** Records one failed activation; returns the new state (locked at {@link MAX_FAILED_ACTIVATIONS}). */
export function recordFailedActivation(dir: string, info: AttemptInfo): LockState {
  return mutate(dir, (s) => counted(s, info)).state;
}

/** `s` with one more failed attempt, locked at {@link MAX_FAILED_ACTIVATIONS}. */
function counted(s: LockState, info: AttemptInfo): LockState {
  const failedAttempts = s.failedAttempts + 1;
  const locksNow = !s.locked && failedAttempts >= MAX_FAILED_ACTIVATIONS;
  return {
    ...s,
    failedAttempts,
    locked: s.locked || locksNow,
    lockedAt: locksNow ? new Date().toISOString() : s.lockedAt,
    hubUrl: info.hubUrl,
    caPem: info.caPem,
    caFingerprint: info.caFingerprint,
    lastFailure: { at: new Date().toISOString(), reason: info.reason },
  };
}

/**
 * Applies what the hub says about this install. A reset generation newer
 * than the last applied one clears the lock (and any tampered verdict) and
 * takes the hub's count; otherwise the count only grows to the hub's.
 */
export function applyHubReset(dir: string, hub: { failedAttempts: number; resetGeneration: number }): LockState {
  return mutate(dir, (s) => {
    if (hub.resetGeneration > s.lastResetGeneration) {
      const locked = hub.failedAttempts >= MAX_FAILED_ACTIVATIONS;
      const next: LockState = { failedAttempts: hub.failedAttempts, locked, lastResetGeneration: hub.resetGeneration };
      if (locked) next.lockedAt = new Date().toISOString();
      if (s.hubUrl) Object.assign(next, { hubUrl: s.hubUrl, caPem: s.caPem, caFingerprint: s.caFingerprint });
      return next;
    }
    if (hub.failedAttempts <= s.failedAttempts) return undefined;
    const locksNow = !s.locked && hub.failedAttempts >= MAX_FAILED_ACTIVATIONS;
    return { ...s, failedAttempts: hub.failedAttempts, locked: s.locked || locksNow, lockedAt: locksNow ? new Date().toISOString() : s.lockedAt };
  }).state;
}

/** Writes the current state to every copy, creating them on a fresh install (before an identity is saved). */
export function sealLockState(dir: string): LockState {
  return mutate(dir, (s) => s).state;
}

/** Throws AgentLockedError (its message says how to recover and names the install id) if locked. */
export function assertNotLocked(dir: string): void {
  const { installId, state } = inspectLockState(dir);
  if (state.locked) throw new AgentLockedError(installId, state);
}

interface Evaluation {
  state: LockState;
  writeCounter: number;
  /** Some copy is missing, stale or failed: write them all again. */
  repair: boolean;
  reports: CopyReport[];
}

/** Judges the copies: the newest authentic one, unless any copy failed or all vanished. */
function evaluate(dir: string, m: InstallMaterial, s: StateDb): Evaluation {
  const { best, reports } = readSealed(m, sealedCopies(dir, m, s.db));
  if (s.corrupt) reports.push({ where: s.corrupt, status: "failed-auth" });
  else if (!s.db) reports.push({ where: `${join(dir, AGENT_DB)} (sealed_state)`, status: "missing" });
  const state = best ? parseState(best) : undefined;
  const failed = reports.find((r) => r.status === "failed-auth");
  const writeCounter = best?.writeCounter ?? 0;
  if (failed || (best && !state)) {
    const why = failed
      ? `${failed.where} did not authenticate (edited, or copied from another machine or folder)`
      : "a sealed copy holds an unreadable state";
    return { state: tamperedState(state, why), writeCounter, repair: true, reports };
  }
  if (!state) {
    const evidence = existsSync(join(dir, IDENTITY_FILE)) ? IDENTITY_FILE : s.existed ? AGENT_DB : undefined;
    if (!evidence) return { state: { ...FRESH }, writeCounter, repair: false, reports };
    return { state: tamperedState(undefined, `every sealed copy of the lock state is missing although ${evidence} exists`), writeCounter, repair: true, reports };
  }
  const stale = reports.some((r) => r.status === "missing" || (r.status === "ok" && r.writeCounter !== writeCounter));
  return { state, writeCounter, repair: stale, reports };
}

function tamperedState(prior: LockState | undefined, why: string): LockState {
  const base = prior ?? FRESH;
  if (base.tampered) return base;
  return { ...base, locked: true, lockedAt: base.lockedAt ?? new Date().toISOString(), tampered: why };
}

function parseState(rec: SealedRecord): LockState | undefined {
  const r = v.safeParse(LockStateSchema, rec.payload);
  return r.success ? r.output : undefined;
}

/**
 * Read-judge-write under the database's write lock. `change` returns the
 * new state, or undefined to keep it; a repair writes even then.
 */
function mutate(dir: string, change: (s: LockState, m: InstallMaterial) => LockState | undefined): { state: LockState } {
  const m = installMaterial(dir);
  return withStateDb(dir, (s) => {
    const e = evaluate(dir, m, s);
    const next = change(e.state, m);
    if (next || e.repair) writeSealed(m, sealedCopies(dir, m, s.db), next ?? e.state, e.writeCounter + 1);
    return { state: next ?? e.state };
  });
}
