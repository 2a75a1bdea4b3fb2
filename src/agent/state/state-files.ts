/**
 * The names of the agent's files in its state folder, in one place so the
 * lockout can tell a fresh install from a tampered one by what exists.
 */

/** The hub credential (mode 0600). */
export const IDENTITY_FILE = "identity.json";
/** The sealed lock state inside the state folder (and the name of the copy outside it). */
export const SEALED_FILE = "lock.sealed";
/** The agent's own SQLite file: a second sealed copy, and the lock serialising writers. */
export const AGENT_DB = "agent.db";
/** Held by the running `dca run` (src/common/owner-lock.ts): one agent per state folder. */
export const RUN_LOCK_FILE = "run.lock";
/** A random machine id, sealed, when the system has none. */
export const FALLBACK_MACHINE_ID_FILE = ".machine-id";
