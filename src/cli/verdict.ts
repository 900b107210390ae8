// `status`'s one-line verdict: healthy, or each problem with its cause and the command that fixes it.
import { resourceNames } from '../config/names.js';
import type { Session } from '../core/session.js';
import { PUBLISH_HINT } from '../core/site-content.js';
import type { StatusReport } from '../core/status.js';

export const siteBucketName = (session: Session): string =>
  resourceNames(session.config, session.env.accountId).siteBucket;

export function verdict(report: StatusReport, siteBucket: string): string {
  if (report.healthy)
    return 'Healthy: every resource exists and matches, no alarm fires, the API and the website answer.';
  const foreign = report.resources.filter((r) => r.state === 'foreign');
  const needUp = report.resources.filter((r) => r.state === 'missing' || r.state === 'drifted').length;
  const firing = report.alarms.filter((a) => a.state === 'ALARM').length;
  // An empty site bucket explains the website's 403: name that cause rather than "not answering".
  const silent = report.probes.filter((p) => !p.answering && !(report.siteEmpty && p.kind === 'website')).length;
  const problems = [
    foreign.length
      ? `${foreign.length} resource(s) with our name belong to someone else (${foreign
          .slice(0, 3)
          .map((r) => r.name)
          .join(
            ', ',
          )}${foreign.length > 3 ? ', …' : ''}): \`projet1 up\` refuses to touch them; rename ours in the configuration or remove theirs`
      : '',
    needUp && !foreign.length ? `${needUp} resource(s) need \`projet1 up\`` : '',
    needUp && foreign.length
      ? `${needUp} resource(s) missing or drifted (up will create them once that is settled)`
      : '',
    report.siteEmpty ? `the site bucket ${siteBucket} is empty (the website answers 403): run \`${PUBLISH_HINT}\`` : '',
    firing ? `${firing} alarm(s) in ALARM` : '',
    silent ? `${silent} endpoint(s) not answering` : '',
  ].filter(Boolean);
  return `Needs attention: ${problems.join('; ')}.`;
}
