/**
 * Self-update in the service (docs/release.md, "How a release reaches
 * agents"): what each poll tells the hub (UTC offset, revocation serial,
 * what the last update came to) and what the agent does with an answer: it
 * keeps a newer root-signed revocation list, and takes an offered release
 * only if it is newer than itself, inside the window, not refused before,
 * and this is a release build. It downloads it (download-release.ts), checks
 * size, SHA-256 and the signature chain against the built-in root and the
 * kept revocation list, and resolves `ready`; the caller stops the service,
 * `install`s it (marker first, then the swap) and restarts.
 */
import { accessSync, constants as fsConstants, readFileSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import type { PollResponse, ReleaseOffer } from "../../gen/dca/v1/agent_service_pb.ts";
import type { Clock } from "../../common/clock.ts";
import { DcaError } from "../../common/errors.ts";
import { checkReleaseFile, openBundle } from "../../common/release-signing/index.ts";
import { compareVersions } from "../../common/release-version.ts";
import { insideUpdateWindow } from "../../common/update-window.ts";
import { localUtcOffsetMinutes } from "../../common/utc-offset.ts";
import type { FileFetcher } from "../transport/index.ts";
import { downloadRelease } from "./download-release.ts";
import { installExecutable } from "./swap-executable.ts";
import type { UpdateState } from "./update-state.ts";

/** A release downloaded and checked, waiting to be installed. */
export interface ReadyRelease {
  offer: ReleaseOffer;
  file: string;
}

/** What the updater works with. */
export interface UpdaterOptions {
  state: UpdateState;
  /** The running executable (replaced on install). */
  exe: string;
  version: string;
  /** "linux-x64"...: the manifest's target must be this. */
  platform: string;
  /** The built-in root ("" in a development build: nothing is installed). */
  root: string;
  fetcher: FileFetcher;
  clock: Pick<Clock, "now">;
  log: (line: string) => void;
  /** Runs the staged executable to see that it starts (default: `--version` must answer "dca VERSION"). */
  preflight?: (staged: string, version: string) => void;
}

/** The poll fields of self-update. */
export interface UpdatePollFields {
  utcOffsetMinutes: number;
  revocationSerial: bigint;
  updateStatus: string;
}

/** Self-update as the service sees it. */
export interface Updater {
  pollFields(): UpdatePollFields;
  /** Acts on a successful poll's answer; never throws. */
  polled(r: PollResponse): void;
  /** Resolves once a release is downloaded and checked. */
  readonly ready: Promise<ReadyRelease>;
  /** Writes the marker and swaps the executable (the service has stopped); throws with why not. */
  install(r: ReadyRelease): void;
  /** Why this executable must not run: its key is revoked by the kept list (undefined: it may). */
  revokedSelf(): string | undefined;
}

/** `staged --version` must print exactly "dca VERSION": it starts, on this platform, as a release build of that version. */
export function runPreflight(staged: string, version: string): void {
  const r = Bun.spawnSync([staged, "--version"], { stdout: "pipe", stderr: "pipe", timeout: 30_000 });
  const said = r.stdout.toString();
  if (r.exitCode !== 0 || said !== `dca ${version}\n`) {
    throw new DcaError("failed-precondition", `the new executable does not start as dca ${version} (exit ${r.exitCode}, said "${said.trim().slice(0, 80)}")`);
  }
}

/** Whether this process may write the executable's folder (the swap renames files there). */
function canReplace(exe: string): boolean {
  try {
    accessSync(dirname(exe), fsConstants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function createUpdater(opts: UpdaterOptions): Updater {
  const { state, log } = opts;
  let busy = false;
  let resolveReady!: (r: ReadyRelease) => void;
  const ready = new Promise<ReadyRelease>((resolve) => (resolveReady = resolve));
  let done = false;
  const said = new Set<string>();
  const once = (line: string) => {
    if (!said.has(line)) log(line);
    said.add(line);
  };

  async function fetchAndCheck(offer: ReleaseOffer): Promise<void> {
    const file = state.unverifiedPath(offer.version);
    log(`update: downloading dca ${offer.version} (${offer.size} bytes)`);
    await downloadRelease(opts.fetcher, offer.url, Number(offer.size), file);
    const checked = checkReleaseFile(file, offer.signatureBundle, opts.root, state.keptRevocationBlobs(), {
      name: "dca",
      target: opts.platform,
      version: offer.version,
      size: Number(offer.size),
      sha256: offer.sha256,
    });
    if (!checked.ok) {
      rmSync(file, { force: true });
      const status = `refused ${offer.version}: ${checked.reason}`;
      state.note(status, offer.sha256);
      return log(`update: ${status}`);
    }
    log(`update: dca ${offer.version} checked (signed by ${checked.keyId}); installing`);
    done = true;
    resolveReady({ offer, file });
  }

  function consider(offer: ReleaseOffer): void {
    if (opts.root === "") return once("update: this is a development build (no root key built in): offered releases are not installed");
    if (state.record().refused.includes(offer.sha256)) return;
    if (compareVersions(offer.version, opts.version) <= 0) {
      state.note(`refused ${offer.version}: not newer than ${opts.version} (no downgrade)`, offer.sha256);
      return log(`update: refused ${offer.version}: not newer than ${opts.version}`);
    }
    if (!insideUpdateWindow(offer.window, opts.clock.now(), localUtcOffsetMinutes(opts.clock.now()))) {
      return once(`update: ${offer.version} is offered; waiting for the update window ${offer.window}`);
    }
    if (!canReplace(opts.exe)) {
      // A package manager's file (the .deb's /usr/lib/dca under ProtectSystem=strict): the package updates it.
      const status = `not updating to ${offer.version}: this agent cannot replace its executable in ${dirname(opts.exe)} (installed by a package: update the package)`;
      if (state.record().status !== status) state.note(status);
      return once(`update: ${status}`);
    }
    busy = true;
    fetchAndCheck(offer)
      .catch((e) => {
        // The line, the release server or the disk: tried again at the next poll, and the hub
        // told why meanwhile (a CDN this machine does not trust is seen nowhere else).
        const status = `not updated to ${offer.version} yet: ${DcaError.from(e).message}`;
        log(`update: ${status}`);
        if (state.record().status !== status) state.note(status);
      })
      .finally(() => (busy = false));
  }

  return {
    ready,
    pollFields: () => ({
      utcOffsetMinutes: localUtcOffsetMinutes(opts.clock.now()),
      revocationSerial: BigInt(opts.root ? (state.revocations(opts.root)?.serial ?? 0) : 0),
      updateStatus: state.record().status,
    }),
    polled(r) {
      try {
        if (r.revocationList && opts.root && state.keepRevocations(JSON.parse(r.revocationList), opts.root)) {
          log(`update: kept revocation list ${state.revocations(opts.root)?.serial} from the hub`);
        }
        if (r.update?.url) state.keepOfferUrl(r.update.url);
        if (r.update && !busy && !done) consider(r.update);
      } catch (e) {
        log(`update: ${(e as Error).message}`);
      }
    },
    install({ offer, file }) {
      installExecutable(opts.exe, file, offer.signatureBundle, Number(offer.size), offer.sha256, {
        preflight: (staged) => (opts.preflight ?? runPreflight)(staged, offer.version),
        beforeSwap: () =>
          state.setPending({
            from: opts.version,
            to: offer.version,
            sha256: offer.sha256,
            healthSeconds: offer.healthSeconds || 600,
            starts: 0,
            swappedAt: new Date(opts.clock.now()).toISOString(),
          }),
      });
      rmSync(file, { force: true });
    },
    revokedSelf() {
      if (!opts.root) return undefined;
      let text: string;
      try {
        text = readFileSync(`${opts.exe}.sig`, "utf8");
      } catch {
        return undefined; // The start-up check already judged the bundle.
      }
      const opened = openBundle(text, opts.root, state.keptRevocationBlobs());
      return !opened.ok && opened.reason.includes("is revoked") ? opened.reason : undefined;
    },
  };
}
