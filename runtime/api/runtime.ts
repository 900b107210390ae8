// What a handler needs from its environment, created once per warm container.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ProductRepository } from '../catalog/repository.js';
import { HttpError } from './http.js';
import { lambdaClients } from './lambda-clients.js';

let repo: ProductRepository | undefined;

export function repository(env: NodeJS.ProcessEnv = process.env): ProductRepository {
  if (!repo) {
    const table = env.TABLE_NAME;
    if (!table) throw new Error('TABLE_NAME is not set');
    repo = new ProductRepository(
      lambdaClients(env).client(DynamoDBClient),
      table,
      env.CATEGORY_INDEX ?? 'category-index',
      // The write functions' settings (api-tier.ts); the readers never write history.
      { ttlAttribute: env.TTL_ATTRIBUTE || null, retentionDays: Number(env.AUDIT_RETENTION_DAYS ?? '90') },
    );
  }
  return repo;
}

/** Positive integer query parameter within bounds, or a 400. */
export function intParam(raw: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new HttpError(400, 'validation_error', `Query parameter ${name} must be an integer from ${min} to ${max}.`, [
      { field: name, message: `must be an integer from ${min} to ${max}` },
    ]);
  }
  return Number(raw);
}
