/**
 * The release both executables report and send to each other (agent_version
 * in Activate and Poll). No imports: `--version` answers before anything loads.
 */
export const VERSION = "0.1.0";
