import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureStream } from '../helpers/capture.js';
import { describeEvent, isInteractive, plainReporter } from '../../src/cli/progress.js';

describe('reporters', () => {
  it('uses spinners only on a real, sized terminal outside CI', () => {
    assert.equal(isInteractive({ isTTY: true, columns: 120 }, {}), true);
    assert.equal(isInteractive({ isTTY: true, columns: 0 }, {}), false, 'zero-width pty');
    assert.equal(isInteractive({ isTTY: true }, {}), false);
    assert.equal(isInteractive({ isTTY: true, columns: 80 }, { CI: 'true' }), false);
    assert.equal(isInteractive({ isTTY: true, columns: 80 }, { TERM: 'dumb' }), false);
    assert.equal(isInteractive({ isTTY: false, columns: 80 }, {}), false);
  });

  it('a pipe or a file gets no progress counters, only the steps', () => {
    const { stream, text: written } = captureStream();
    const r = plainReporter(stream);
    r.event({ type: 'progress', id: 's', label: 'seeding', done: 7, total: 60, perSecond: 12 });
    r.event({ type: 'progress', id: 's', label: 'seeding', done: 60, total: 60, perSecond: 12 });
    r.line('Seeded 60 product(s)');
    assert.equal(written(), 'Seeded 60 product(s)\n');
  });

  it('plain lines describe each step', () => {
    const { stream, text: written } = captureStream();
    const r = plainReporter(stream);
    r.event({ type: 'phase', phase: 'apply', total: 2 });
    r.event({ type: 'start', id: 't', name: 'products-catalog', action: 'create' });
    r.event({ type: 'done', id: 't', name: 'products-catalog', action: 'create', ms: 1500 });
    r.event({ type: 'failed', id: 'r', name: 'role-x', action: 'update', message: 'Access denied' });
    assert.equal(
      written(),
      '» Applying changes (2 resources)\n  creating products-catalog\n✓ created products-catalog (1.5s)\n✗ failed updating role-x: Access denied\n',
    );
    assert.equal(
      describeEvent({ type: 'progress', id: 's', label: 'seeding', done: 2500, total: 10000, perSecond: 1234.4 }),
      'seeding 2,500/10,000 (25%) · 1,234 items/s',
    );
  });
});
