/**
 * The suite of AgentApiStore, what the agent API (AgentService) needs of
 * the hub store: activation, authentication, polls, uploads and tasks.
 */
import { describe } from "bun:test";
import { describeAgentApiActivation } from "./agent-api-activation-suite.ts";
import { describeAgentApiReadings } from "./agent-api-readings-suite.ts";
import { describeAgentApiTasks } from "./agent-api-tasks-suite.ts";
import type { OpenStore } from "./store-under-test.ts";

/** Runs every AgentApiStore test on the stores `open` makes; `name` names the implementation. */
export function describeAgentApiStore(name: string, open: OpenStore): void {
  describe(`${name} as AgentApiStore`, () => {
    describeAgentApiActivation(open);
    describeAgentApiReadings(open);
    describeAgentApiTasks(open);
  });
}
