/**
 * The release both executables report and send to each other (agent_version
 * in Activate and Poll). A build may set another (`build/compile.ts --version
 * 0.2.0` defines DCA_VERSION): tests build "new versions" of the same code that
 * way. No imports: `--version` answers before anything loads.
 */
declare const DCA_VERSION: string | undefined;

/** This build's version: the source's, unless the build defined another. */
export const VERSION: string = typeof DCA_VERSION === "string" ? DCA_VERSION : "0.1.0";
