// SDK clients inside Lambda: region from the runtime, endpoint from AWS_ENDPOINT_URL
// (emulators inject it), the SDK's default credentials. One per warm container, which
// counts no calls: a warm function would otherwise keep every call it ever made.
import { AwsClients } from '../aws/clients.js';

let clients: AwsClients | undefined;

export function lambdaClients(env: NodeJS.ProcessEnv = process.env): AwsClients {
  clients ??= new AwsClients(
    {
      region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
      endpointUrl: env.AWS_ENDPOINT_URL ?? null,
      profile: null,
    },
    { countCalls: false },
  );
  return clients;
}
