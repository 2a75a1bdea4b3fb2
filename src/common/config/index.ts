/**
 * The agent's configuration as a contract: one check (with defaults, limits
 * and the one default credential) that the agent and the hub both run.
 */
export { CONFIG_FIELDS, type ConfigField, FILE_LABELS, type FieldLabels, withLabels } from "./labels.ts";
export { CREDENTIAL_NAME, type Config, type ConfigInput, DEFAULTS, LIMITS, configSchema, credentialSchema } from "./schema.ts";
export { ConfigError, type Refusal, configRefusals, formatRefusals, parseCredential, validateConfig } from "./validate.ts";
export { agentConfigRefusals, configFromProto, configInput, credentialInput, redactAgentConfig } from "./from-proto.ts";
