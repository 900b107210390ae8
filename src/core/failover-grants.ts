// The grants of `projet1 failover` (regions.secondary), apart from permission-grants.ts: the second
// site bucket comes with the Site statement (permission-arns.ts); these are the drill's and the checks'.
import type { PolicyArns } from './permission-arns.js';
import type { Grant } from './permission-grants.js';

/** Only with regions.secondary: a stack without a second region never fails over. */
export function failoverGrants(r: PolicyArns): Grant[] {
  return [
    {
      // The drill throttles the primary's functions to zero, then puts their concurrency back.
      Sid: 'Failover',
      actions: {
        deploy: ['lambda:GetFunctionConcurrency', 'lambda:PutFunctionConcurrency', 'lambda:DeleteFunctionConcurrency'],
      },
      Resource: r.functions,
    },
    {
      // ReplicationLatency before a failover: GetMetricStatistics has no resource type.
      Sid: 'NoResourceTypes',
      actions: { deploy: ['cloudwatch:GetMetricStatistics'] },
      Resource: '*',
    },
  ];
}
