// One way to stop: the CLI host's signal, aborted by a stop signal or a lost stack lock, with what
// each kind of command says when it happens.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliHost } from '../../src/cli/host.js';
import { stopHandler } from '../../src/cli/main.js';
import type { StopMode } from '../../src/cli/signals.js';
import { UserError } from '../../src/errors.js';
import { captureStream } from '../helpers/capture.js';

function host(stopMode: StopMode) {
  const err = captureStream();
  const h = new CliHost({ command: 't', json: false, verbose: false, yes: false, stderr: err.stream, stopMode });
  return { h, stderr: err.text };
}

describe('the run signal', () => {
  it('a stop signal aborts it with the signal as reason; only a command that stops cleanly says so', () => {
    const said: Record<StopMode, string> = { announce: '', quiet: '', end: '' };
    for (const mode of ['announce', 'quiet', 'end'] as const) {
      const { h, stderr } = host(mode);
      const exits: number[] = [];
      const onStop = stopHandler(h, (c) => exits.push(c));
      assert.equal(h.signal.aborted, false);
      onStop('SIGTERM');
      assert.deepEqual([h.signal.aborted, h.signal.reason, exits], [true, 'SIGTERM', []], mode);
      onStop('SIGINT');
      assert.deepEqual(exits, [130], 'the second quits at once');
      said[mode] = stderr();
    }
    assert.match(said.announce, /^Stopping: no new work starts/);
    assert.deepEqual([said.quiet, said.end], ['', '']);
  });

  it('a lost lock aborts it with its error, and is announced even by a command that cannot stop half-way', () => {
    const { h, stderr } = host('end');
    const lost = new UserError('Lost the stack lock during `projet1 restore`: it was removed.');
    h.interrupt(lost);
    assert.equal(h.signal.reason, lost);
    assert.match(stderr(), /^Stopping: no new work starts/);
  });
});
