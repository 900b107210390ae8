// Loaded with `node --import` into a CLI run, it makes that process's clock read
// PROJET1_TEST_CLOCK_SKEW_MS off (a host without NTP, a laptop back from sleep): how a test plays two
// hosts whose clocks disagree. Only `Date` moves; timers and the monotonic clock keep real time.
const skew = Number(process.env.PROJET1_TEST_CLOCK_SKEW_MS ?? 0);
const RealDate = Date;

class SkewedDate extends RealDate {
  constructor(...args: [] | [number | string | Date]) {
    if (args.length === 0) super(RealDate.now() + skew);
    else super(args[0]);
  }
  static override now(): number {
    return RealDate.now() + skew;
  }
}

globalThis.Date = SkewedDate as DateConstructor;
