// `projet1 doctor`: one line per check (✓ ok, ! warning, ✗ failure) with the fix; exit 2 when one fails.
import { type DoctorCheck, runDoctor } from '../../core/doctor.js';
import type { CheckStatus } from '../../core/doctor-checks.js';
import { EXIT } from '../../errors.js';
import type { Handler } from '../spec.js';

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗' };

function line(c: DoctorCheck): string {
  return `${MARK[c.status]} ${c.name}: ${c.detail}${c.fix ? `\n    fix: ${c.fix}` : ''}`;
}

export const doctor: Handler<'config'> = async ({ loaded, io }) => {
  const report = await runDoctor(loaded);
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const warned = report.checks.filter((c) => c.status === 'warn').length;
  io.result({ ok: report.ok, checks: report.checks }, report.checks.map(line).join('\n'));
  io.info(
    failed
      ? `${failed} check(s) failed: fix them before \`projet1 up\`.`
      : `Ready for \`projet1 up\`${warned ? ` (${warned} warning(s))` : ''}.`,
  );
  return report.ok ? EXIT.ok : EXIT.changes;
};
