/** `dca scan TARGET...`: placeholder until the discovery prober lands. */
export async function scanCommand(_argv: string[]): Promise<number> {
  throw new Error("scan: not wired yet");
}
