import { CounterKind } from "../../../gen/dca/v1/reading_pb.ts";
import type { Profile } from "../profile.ts";

/** Sharp MX (enterprise 2385): a meter table whose rows carry their own labels. */
export const sharp: Profile = {
  id: "sharp",
  vendor: "Sharp",
  sysObjectId: ["1.3.6.1.4.1.2385"],
  sysDescr: [/^SHARP /],
  model: [{ from: "sysDescr", pattern: /^SHARP (\S+)/ }],
  counterTables: [
    {
      entry: "1.3.6.1.4.1.2385.1.1.19.2.1",
      valueColumn: 3,
      nameColumn: 4,
      kinds: {
        prints: CounterKind.PRINT,
        "black & white print count": CounterKind.PRINT_MONO,
        "full color print count": CounterKind.PRINT_COLOR,
        duplex: CounterKind.DUPLEX,
        copies: CounterKind.COPY,
        "black & white copy count": CounterKind.COPY_MONO,
        "full color copy count": CounterKind.COPY_COLOR,
        "black & white total count": CounterKind.MONO,
        "full color total count": CounterKind.COLOR,
        "two color total count": CounterKind.TWO_COLOR,
        "single color total count": CounterKind.SINGLE_COLOR,
        "scan to e-mail/ftp": CounterKind.SCAN_NETWORK,
      },
    },
  ],
};
