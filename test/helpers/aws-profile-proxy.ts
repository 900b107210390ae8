// The fault proxy with the AWS behaviour profile, in a process of its own: `node aws-profile-proxy.js
// <emulator endpoint> <scale>` prints its URL on the first line and serves until its stdin closes (its
// parent ended). A process of its own because many tests run the CLI with a synchronous spawn, which
// would stall a proxy answering from the test's own event loop.
import { awsLike } from './aws-behaviour/index.js';
import { startFaultProxy } from './fault-proxy.js';

const [target, scale] = process.argv.slice(2);
if (!target || !(Number(scale) > 0)) {
  process.stderr.write('usage: aws-profile-proxy <emulator endpoint> <scale>\n');
  process.exit(2);
}
const proxy = await startFaultProxy(target, awsLike(Number(scale)));
process.stdout.write(`${proxy.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void proxy.close().then(() => process.exit(0));
});
