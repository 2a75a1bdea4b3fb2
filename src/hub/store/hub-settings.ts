/**
 * The hub's settings (hub_settings: one JSON value per key). The security
 * settings are typed and checked with valibot both when written and when
 * read: a value edited into the database by hand that is out of range is
 * refused rather than quietly replaced by its default, since a default may
 * be weaker (2FA no longer required) than what an owner chose. Other parts
 * (SSO config, the audit anchor) keep their own keys through the generic
 * getSetting/setSetting and check their values themselves.
 */
import * as v from "valibot";
import type { StoreContext } from "./store-context.ts";
import { StoreError } from "./store-error.ts";

/** The hub's security settings (docs/security.md "People"). */
export interface SecuritySettings {
  /** Every local account must enrol a second factor before it may do anything else. */
  require2fa: boolean;
  /** Consecutive failed sign-ins that lock an account (3..20). */
  lockoutAttempts: number;
  /** How long a lock lasts; 0 = until an admin unlocks (0..1440). */
  lockoutMinutes: number;
  /** Enabled accounts unused this long are disabled (1..180). */
  inactivityDays: number;
  /** A sign-in session's absolute lifetime (1..168). */
  sessionHours: number;
  /** A sign-in session ends after this long unused (5..1440). */
  sessionIdleMinutes: number;
  /** Audit records older than this are deleted, the chain anchored (30..3650). */
  auditRetentionDays: number;
}

interface Field {
  /** The hub_settings key; audit's retention keeps the key the audit module reads. */
  key: string;
  schema: v.GenericSchema<unknown, boolean | number>;
  /** The allowed values in words, for refusals. */
  allowed: string;
}

const whole = (key: string, min: number, max: number): Field => ({
  key,
  schema: v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max)),
  allowed: `a whole number from ${min} to ${max}`,
});

const FIELDS: Record<keyof SecuritySettings, Field> = {
  require2fa: { key: "security.require_2fa", schema: v.boolean(), allowed: "true or false" },
  lockoutAttempts: whole("security.lockout_attempts", 3, 20),
  lockoutMinutes: whole("security.lockout_minutes", 0, 1440),
  inactivityDays: whole("security.inactivity_days", 1, 180),
  sessionHours: whole("security.session_hours", 1, 168),
  sessionIdleMinutes: whole("security.session_idle_minutes", 5, 1440),
  auditRetentionDays: whole("audit.retention_days", 30, 3650),
};

/** The settings of a hub nobody has configured. */
export const DEFAULT_SECURITY_SETTINGS: Readonly<SecuritySettings> = Object.freeze({
  require2fa: false,
  lockoutAttempts: 5,
  lockoutMinutes: 15,
  inactivityDays: 90,
  sessionHours: 12,
  sessionIdleMinutes: 60,
  auditRetentionDays: 365,
});

const NAMES = Object.keys(FIELDS) as (keyof SecuritySettings)[];
const fieldOfKey = new Map(NAMES.map((n) => [FIELDS[n].key, n]));
const MAX_KEY_LENGTH = 100;
const UNPARSABLE = Symbol("unparsable");

function refuse(name: string, allowed: string): never {
  throw new StoreError("invalid-argument", `setting ${name}: must be ${allowed}; give a value in that range`);
}

/** The settings methods of the store. */
export function createHubSettings(ctx: StoreContext) {
  const { db } = ctx;
  // A value that is no JSON (edited by hand) reads as UNPARSABLE, which no schema accepts.
  const readRaw = (key: string): unknown => {
    const r = db.query<{ value: string }, [string]>("SELECT value FROM hub_settings WHERE key = ?").get(key);
    if (!r) return undefined;
    try {
      return JSON.parse(r.value);
    } catch {
      return UNPARSABLE;
    }
  };
  const writeRaw = (key: string, value: unknown) => {
    if (value === undefined) db.run("DELETE FROM hub_settings WHERE key = ?", [key]);
    else db.run("INSERT INTO hub_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, JSON.stringify(value)]);
  };
  const readSecurity = (): SecuritySettings => {
    const out: Record<string, unknown> = {};
    for (const name of NAMES) {
      const f = FIELDS[name];
      const raw = readRaw(f.key);
      if (raw === undefined) out[name] = DEFAULT_SECURITY_SETTINGS[name];
      else if (v.is(f.schema, raw)) out[name] = raw;
      else {
        throw new StoreError("invalid-config", `hub setting ${name} (${f.key}) holds an unusable value; set it again to ${f.allowed}`);
      }
    }
    return out as unknown as SecuritySettings;
  };
  return {
    /** The security settings: defaults for those never set. Throws `invalid-config` if a stored one is out of range. */
    getSecuritySettings(): SecuritySettings {
      return ctx.read(readSecurity);
    },

    /**
     * Changes the settings given (all or nothing) and returns them all as they now
     * are. An unknown field or a value out of range is refused (`invalid-argument`,
     * naming the field and what it allows) and nothing changes.
     */
    setSecuritySettings(change: Partial<SecuritySettings>): SecuritySettings {
      for (const [name, value] of Object.entries(change)) {
        const f = FIELDS[name as keyof SecuritySettings] as Field | undefined;
        if (!f) throw new StoreError("invalid-argument", `setting ${name}: unknown; the settings are ${NAMES.join(", ")}`);
        if (value !== undefined && !v.is(f.schema, value)) refuse(name, f.allowed);
      }
      return ctx.write(() => {
        for (const [name, value] of Object.entries(change)) if (value !== undefined) writeRaw(FIELDS[name as keyof SecuritySettings].key, value);
        return readSecurity();
      });
    },

    /** The JSON value kept under `key` (undefined if none); the caller checks its shape. */
    getSetting(key: string): unknown {
      return ctx.read(() => {
        const value = readRaw(key);
        if (value === UNPARSABLE) throw new StoreError("invalid-config", `hub setting ${key} holds no valid JSON; set it again`);
        return value;
      });
    },

    /**
     * Keeps `value` (JSON) under `key`; undefined removes it. A key of the security
     * settings is checked as setSecuritySettings checks it. May run inside another
     * write (nested: a savepoint), e.g. the audit anchor beside the records it replaces.
     */
    setSetting(key: string, value: unknown): void {
      if (key.length === 0 || key.length > MAX_KEY_LENGTH) throw new StoreError("invalid-argument", `setting key must be 1 to ${MAX_KEY_LENGTH} characters`);
      const name = fieldOfKey.get(key);
      if (name && value !== undefined && !v.is(FIELDS[name].schema, value)) refuse(name, FIELDS[name].allowed);
      ctx.write(() => writeRaw(key, value));
    },
  };
}
