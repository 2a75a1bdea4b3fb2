/**
 * The hub database file: opening it with the pragmas every process must
 * share, and the schema migrations. Several processes (the server and admin
 * commands) open the same file, so migrations run in one IMMEDIATE
 * transaction and re-check the version once they hold the write lock.
 */
import { Database } from "bun:sqlite";
import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { StoreError } from "./store-error.ts";

/** File name of the hub database inside the data directory. */
export const HUB_DB_FILE = "hub.db";

/**
 * Schema migrations, in order; migration i brings the schema to version i+1.
 * Never edit a released migration: add one.
 */
export const MIGRATIONS: readonly string[] = [
  // v1. Times are milliseconds since the epoch; protobuf messages are BLOBs.
  `
  CREATE TABLE sites (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at INTEGER NOT NULL,
    config BLOB NOT NULL,
    config_version INTEGER NOT NULL
  );
  CREATE TABLE activation_codes (
    code_hash TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    used_by_agent TEXT,
    failed_attempts INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE installs (
    install_id TEXT PRIMARY KEY,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    reset_generation INTEGER NOT NULL DEFAULT 0,
    last_attempt_at INTEGER
  );
  CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id),
    install_id TEXT NOT NULL,
    secret_hash BLOB NOT NULL,
    hostname TEXT NOT NULL,
    agent_version TEXT NOT NULL,
    platform TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_poll_at INTEGER,
    config_version INTEGER NOT NULL DEFAULT 0,
    outbox_depth INTEGER NOT NULL DEFAULT 0,
    outbox_bytes INTEGER NOT NULL DEFAULT 0,
    dropped_readings INTEGER NOT NULL DEFAULT 0,
    known_devices INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    readings_received INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
    replaced_by TEXT
  );
  CREATE INDEX agents_site ON agents(site_id);
  CREATE INDEX agents_install ON agents(install_id, site_id);
  CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id),
    created_at INTEGER NOT NULL,
    vendor TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    serial_number TEXT NOT NULL DEFAULT '',
    serial_key TEXT NOT NULL DEFAULT '',
    mac_address TEXT NOT NULL DEFAULT '',
    mac_key TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    last_read_at INTEGER,
    last_reading_id TEXT,
    total_pages TEXT,
    lowest_supply_description TEXT,
    lowest_supply_percent REAL,
    status TEXT NOT NULL DEFAULT ''
  );
  CREATE INDEX devices_serial ON devices(site_id, serial_key) WHERE serial_key <> '';
  CREATE INDEX devices_mac ON devices(site_id, mac_key) WHERE mac_key <> '';
  CREATE INDEX devices_address ON devices(site_id, address);
  CREATE TABLE readings (
    id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL REFERENCES devices(id),
    agent_id TEXT NOT NULL REFERENCES agents(id),
    site_id TEXT NOT NULL REFERENCES sites(id),
    seq INTEGER NOT NULL,
    task_id TEXT NOT NULL DEFAULT '',
    read_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    address TEXT NOT NULL,
    data BLOB NOT NULL
  );
  CREATE INDEX readings_device ON readings(device_id, read_at);
  CREATE INDEX readings_site ON readings(site_id);
  CREATE INDEX readings_agent ON readings(agent_id);
  CREATE TABLE counter_flags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id TEXT NOT NULL REFERENCES devices(id),
    site_id TEXT NOT NULL REFERENCES sites(id),
    reading_id TEXT NOT NULL REFERENCES readings(id),
    kind INTEGER NOT NULL,
    name TEXT NOT NULL,
    previous TEXT NOT NULL,
    value TEXT NOT NULL,
    reason TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX counter_flags_device ON counter_flags(device_id);
  CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id),
    target_agent_id TEXT REFERENCES agents(id),
    agent_id TEXT REFERENCES agents(id),
    kind TEXT NOT NULL,
    data BLOB NOT NULL,
    state TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at INTEGER,
    finished_at INTEGER,
    message TEXT NOT NULL DEFAULT '',
    reading_ids TEXT NOT NULL DEFAULT '[]'
  );
  CREATE INDEX tasks_site_state ON tasks(site_id, state, created_at);
  `,
  // v2. Task results (a TaskResult message) and, per agent, the MQTT password hash in
  // mosquitto's PBKDF2-SHA512 form ("$7$..."), so a password file for an external broker
  // can be written without the secret.
  `
  ALTER TABLE tasks ADD COLUMN result BLOB;
  ALTER TABLE agents ADD COLUMN mqtt_hash TEXT NOT NULL DEFAULT '';
  `,
  // v3. Self-update: the releases the hub offers (the file itself is kept in <data>/releases/<sha256>
  // unless a CDN URL serves it), the root's revocation lists, each site's update policy, and what
  // each agent said of its last update.
  `
  CREATE TABLE releases (
    sha256 TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    target TEXT NOT NULL,
    size INTEGER NOT NULL,
    channel TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    signature TEXT NOT NULL,
    key_id TEXT NOT NULL,
    added_at INTEGER NOT NULL
  );
  CREATE INDEX releases_target ON releases(name, target);
  CREATE TABLE revocation_lists (
    serial INTEGER PRIMARY KEY,
    list TEXT NOT NULL,
    added_at INTEGER NOT NULL
  );
  ALTER TABLE sites ADD COLUMN update_channel TEXT NOT NULL DEFAULT 'stable';
  ALTER TABLE sites ADD COLUMN update_window TEXT NOT NULL DEFAULT '';
  ALTER TABLE sites ADD COLUMN update_hold INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sites ADD COLUMN update_health_seconds INTEGER NOT NULL DEFAULT 600;
  ALTER TABLE agents ADD COLUMN update_status TEXT NOT NULL DEFAULT '';
  `,
  // v4. Device Web Access sessions, which are also their audit record: who opened which device
  // and port, when, for how long, how it ended and how many bytes went each way. `label` is the
  // session's host name label; only SHA-256 of its secret is kept. `certificate` holds the JSON
  // facts of an HTTPS printer's certificate once the proxy has seen it.
  `
  CREATE TABLE web_access_sessions (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL UNIQUE,
    site_id TEXT NOT NULL REFERENCES sites(id),
    agent_id TEXT NOT NULL REFERENCES agents(id),
    device_id TEXT,
    address TEXT NOT NULL,
    port INTEGER NOT NULL,
    tls INTEGER NOT NULL,
    forward_path TEXT NOT NULL UNIQUE,
    secret_hash BLOB NOT NULL,
    task_id TEXT NOT NULL REFERENCES tasks(id),
    opened_by TEXT NOT NULL,
    opened_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    idle_seconds INTEGER NOT NULL,
    concurrent INTEGER NOT NULL DEFAULT 0,
    ended_at INTEGER,
    end_reason TEXT NOT NULL DEFAULT '',
    tunnel_up_at INTEGER,
    last_activity_at INTEGER,
    bytes_to_device INTEGER NOT NULL DEFAULT 0,
    bytes_from_device INTEGER NOT NULL DEFAULT 0,
    channels INTEGER NOT NULL DEFAULT 0,
    requests INTEGER NOT NULL DEFAULT 0,
    certificate TEXT NOT NULL DEFAULT ''
  );
  CREATE INDEX web_access_open ON web_access_sessions(site_id, address) WHERE ended_at IS NULL;
  CREATE INDEX web_access_agent ON web_access_sessions(agent_id, ended_at);
  `,
  // v5. Device Web Access: each agent's SSH public key (canonical "ssh-ed25519 AAAA...", '' until
  // it sends one), which the SSH relay admits.
  `
  ALTER TABLE agents ADD COLUMN ssh_public_key TEXT NOT NULL DEFAULT '';
  `,
  // v6. People at the hub (docs/security.md "People"): accounts, their roles granted globally, per
  // site or per group of sites, sign-in sessions, API tokens and the hub's security settings.
  // Secrets are kept only as hashes: passwords Argon2id, tokens and recovery codes SHA-256.
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT 'local',
    external_id TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    password_changed_at INTEGER,
    totp_secret TEXT NOT NULL DEFAULT '',
    totp_pending_secret TEXT NOT NULL DEFAULT '',
    totp_enabled_at INTEGER,
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    failed_sign_ins INTEGER NOT NULL DEFAULT 0,
    locked_at INTEGER,
    locked_until INTEGER,
    disabled_at INTEGER,
    disabled_reason TEXT NOT NULL DEFAULT '',
    last_sign_in_at INTEGER,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL DEFAULT ''
  );
  CREATE UNIQUE INDEX users_external ON users(source, external_id) WHERE external_id <> '';
  CREATE TABLE user_recovery_codes (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (user_id, code_hash)
  );
  CREATE TABLE site_groups (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE site_group_members (
    group_id TEXT NOT NULL REFERENCES site_groups(id) ON DELETE CASCADE,
    site_id TEXT NOT NULL REFERENCES sites(id),
    PRIMARY KEY (group_id, site_id)
  );
  CREATE TABLE role_grants (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    site_id TEXT REFERENCES sites(id),
    group_id TEXT REFERENCES site_groups(id) ON DELETE CASCADE,
    source TEXT NOT NULL DEFAULT 'manual',
    created_at INTEGER NOT NULL,
    CHECK (site_id IS NULL OR group_id IS NULL)
  );
  CREATE INDEX role_grants_user ON role_grants(user_id);
  CREATE TABLE user_sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash BLOB NOT NULL UNIQUE,
    method TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    client TEXT NOT NULL DEFAULT '',
    revoked_at INTEGER,
    revoked_reason TEXT NOT NULL DEFAULT ''
  );
  CREATE INDEX user_sessions_user ON user_sessions(user_id);
  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_used_at INTEGER,
    last_address TEXT NOT NULL DEFAULT '',
    revoked_at INTEGER
  );
  CREATE TABLE hub_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // v7. The audit log: append-only, each record hash-chained to the one before (docs/security.md
  // "Audit log"). Retention deletes from the head and keeps the last deleted hash as the anchor
  // (hub_settings 'audit.anchor'), so what remains still verifies.
  `
  CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    actor_user_id TEXT NOT NULL DEFAULT '',
    via TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    site_id TEXT NOT NULL DEFAULT '',
    target TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );
  CREATE INDEX audit_log_at ON audit_log(at);
  CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  `,
  // v8. Alerts (docs/alerts.md): rules (global, or per site), the channels they notify (a webhook
  // signed with HMAC, or SMTP), the alerts they opened (one open alert per rule and subject: the
  // dedupe key) and each notice to each channel with its attempts. A channel's secret (the HMAC key,
  // the SMTP password) is kept as given, since the hub must use it, and never shown back. Devices
  // gain what the evaluator needs without reading protobuf: the worst supply state of the latest
  // reading and since when the device has been in error; counter flags an index by time.
  `
  ALTER TABLE devices ADD COLUMN supply_state TEXT NOT NULL DEFAULT '';
  ALTER TABLE devices ADD COLUMN supply_state_description TEXT NOT NULL DEFAULT '';
  ALTER TABLE devices ADD COLUMN error_since INTEGER;
  CREATE INDEX counter_flags_device_at ON counter_flags(device_id, at);
  CREATE TABLE alert_channels (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind TEXT NOT NULL,
    settings TEXT NOT NULL,
    secret TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_ok_at INTEGER,
    last_error_at INTEGER,
    last_error TEXT NOT NULL DEFAULT ''
  );
  CREATE TABLE alert_rules (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    site_id TEXT REFERENCES sites(id),
    kind TEXT NOT NULL,
    percent REAL NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT '',
    seconds INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    deleted_at INTEGER
  );
  CREATE TABLE alert_rule_channels (
    rule_id TEXT NOT NULL REFERENCES alert_rules(id),
    channel_id TEXT NOT NULL REFERENCES alert_channels(id),
    PRIMARY KEY (rule_id, channel_id)
  );
  CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    rule_id TEXT NOT NULL REFERENCES alert_rules(id),
    site_id TEXT NOT NULL REFERENCES sites(id),
    subject_kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,
    subject_label TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    opened_at INTEGER NOT NULL,
    resolved_at INTEGER,
    resolve_reason TEXT NOT NULL DEFAULT '',
    last_notified_at INTEGER
  );
  CREATE UNIQUE INDEX alerts_open ON alerts(dedupe_key) WHERE resolved_at IS NULL;
  CREATE INDEX alerts_rule_open ON alerts(rule_id) WHERE resolved_at IS NULL;
  CREATE INDEX alerts_site_opened ON alerts(site_id, opened_at);
  CREATE INDEX alerts_opened ON alerts(opened_at);
  CREATE TABLE alert_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id TEXT NOT NULL REFERENCES alerts(id),
    channel_id TEXT NOT NULL REFERENCES alert_channels(id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at INTEGER,
    last_error TEXT NOT NULL DEFAULT ''
  );
  CREATE INDEX alert_deliveries_due ON alert_deliveries(next_at) WHERE state = 'pending';
  CREATE INDEX alert_deliveries_alert ON alert_deliveries(alert_id);
  `,
];

/** Opens (creating if needed) `<dataDir>/hub.db` and brings its schema up to date. */
export function openHubDatabase(dataDir: string): Database {
  const path = join(dataDir, HUB_DB_FILE);
  let db: Database | undefined;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    db = new Database(path, { create: true, strict: true });
    // The busy timeout first: the pragmas below may already wait for another process.
    db.run("PRAGMA busy_timeout = 5000");
    db.run("PRAGMA journal_mode = WAL");
    db.run("PRAGMA synchronous = FULL");
    db.run("PRAGMA foreign_keys = ON");
    migrate(db);
    restrictMode(path);
    return db;
  } catch (e) {
    db?.close();
    throw StoreError.from(e);
  }
}

/** The schema version of an open database (0 for a new file). */
export function schemaVersion(db: Database): number {
  const row = db.query<{ v: number | null }, []>("SELECT max(version) AS v FROM schema_version").get();
  return row?.v ?? 0;
}

function migrate(db: Database): void {
  db.transaction(() => {
    db.run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at INTEGER NOT NULL)");
    const current = schemaVersion(db);
    if (current > MIGRATIONS.length) {
      throw new StoreError(
        "failed-precondition",
        `the hub database has schema version ${current}, this hub knows up to ${MIGRATIONS.length}: use a newer dca-hub`,
        { reason: "newer-version" },
      );
    }
    for (let v = current; v < MIGRATIONS.length; v++) {
      db.run(MIGRATIONS[v]);
      db.run("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", [v + 1, Date.now()]);
    }
  }).immediate();
}

// The database holds SNMP secrets for the agents: only the hub's user may read it.
function restrictMode(path: string): void {
  for (const p of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(p, 0o600);
    } catch {
      // Not there yet, or owned by someone else: SQLite copies the main file's mode to -wal/-shm.
    }
  }
}
