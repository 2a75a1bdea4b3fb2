/** Loaded before every test file (bunfig.toml [test] preload): run-wide clean-up. */
import { afterAll } from "bun:test";
import { removeTempDirs } from "./temp-dir.ts";

afterAll(removeTempDirs);
