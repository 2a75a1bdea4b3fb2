/** This build's platform as releases name it ("linux-x64", "windows-x64", "darwin-arm64"): told to the hub at activation, matched against update offers. */
export const PLATFORM = `${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`;
