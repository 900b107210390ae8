// Types of the AWS SDK client; the runtime module is generated (scripts/sdk-shims.mjs).
export * from '@aws-sdk/client-dynamodb';
