/**
 * A fault a test build carries (build/compile.ts --test-fault NAME defines
 * DCA_TEST_FAULT): test/release/self-update.test.ts builds a "new version"
 * that exits right after its start-up update check, to see the rollback. A
 * release build has none: the define is absent and the check folds to false.
 */
declare const DCA_TEST_FAULT: string | undefined;

/** The fault built in ("" in every real build). */
export const TEST_FAULT: string = typeof DCA_TEST_FAULT === "string" ? DCA_TEST_FAULT : "";
