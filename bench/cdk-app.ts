// The peer for the speed comparison: the same stack written for the AWS CDK (a table with its
// index, PITR, TTL and SSE; six functions with their log groups and least-privilege grants; the
// REST API with its routes and token authorizer; the token parameter; site and log buckets; a
// CloudFront distribution with OAC and the API behind /products; 27 alarms and a dashboard).
// The legacy synthesizer with inline code needs no bootstrap, so it deploys to an emulator as is.
// Written out as a CommonJS app by bench/cdk-peer.ts; `edit` changes one handler's code.
export const cdkApp = (edit: number): string => `
const cdk = require('aws-cdk-lib');
const ddb = require('aws-cdk-lib/aws-dynamodb');
const lambda = require('aws-cdk-lib/aws-lambda');
const apigw = require('aws-cdk-lib/aws-apigateway');
const s3 = require('aws-cdk-lib/aws-s3');
const cf = require('aws-cdk-lib/aws-cloudfront');
const origins = require('aws-cdk-lib/aws-cloudfront-origins');
const cw = require('aws-cdk-lib/aws-cloudwatch');
const logs = require('aws-cdk-lib/aws-logs');
const ssm = require('aws-cdk-lib/aws-ssm');
const { Duration, RemovalPolicy } = cdk;

const app = new cdk.App({ defaultStackSynthesizer: new cdk.LegacyStackSynthesizer() });
const stack = new cdk.Stack(app, 'Projet1Peer', { env: { account: '000000000000', region: 'eu-west-3' } });
const S = ddb.AttributeType.STRING;
const table = new ddb.Table(stack, 'Products', {
  tableName: 'peer-products', partitionKey: { name: 'product_id', type: S },
  billingMode: ddb.BillingMode.PROVISIONED, readCapacity: 100, writeCapacity: 100,
  pointInTimeRecovery: true, encryption: ddb.TableEncryption.AWS_MANAGED, timeToLiveAttribute: 'expires_at',
  removalPolicy: RemovalPolicy.DESTROY,
});
table.addGlobalSecondaryIndex({ indexName: 'category-index', partitionKey: { name: 'category', type: S }, readCapacity: 100, writeCapacity: 100 });
const token = new ssm.StringParameter(stack, 'Token', { parameterName: '/peer/development/admin-token', stringValue: 'placeholder' });

const ids = ['get-products', 'get-product-by-id', 'create-product', 'update-product', 'delete-product', 'authorizer'];
const fns = {};
for (const id of ids) {
  const logGroup = new logs.LogGroup(stack, id + '-logs', {
    logGroupName: '/aws/lambda/peer-' + id, retention: logs.RetentionDays.TWO_WEEKS, removalPolicy: RemovalPolicy.DESTROY,
  });
  const body = id === 'get-product-by-id' ? '${edit}' : '0';
  fns[id] = new lambda.Function(stack, id, {
    functionName: 'peer-' + id, runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "' + id + ' ' + body + '" });'),
    memorySize: 256, timeout: Duration.seconds(30), logGroup,
    environment: { TABLE_NAME: table.tableName, CATEGORY_INDEX: 'category-index' },
  });
}
table.grant(fns['get-products'], 'dynamodb:Scan', 'dynamodb:Query');
table.grant(fns['get-product-by-id'], 'dynamodb:GetItem');
table.grant(fns['create-product'], 'dynamodb:PutItem');
table.grant(fns['update-product'], 'dynamodb:UpdateItem');
table.grant(fns['delete-product'], 'dynamodb:DeleteItem');
token.grantRead(fns.authorizer);

const api = new apigw.RestApi(stack, 'Api', { restApiName: 'peer-api', deployOptions: { stageName: 'development' } });
const authorizer = new apigw.TokenAuthorizer(stack, 'Auth', { handler: fns.authorizer, resultsCacheTtl: Duration.seconds(0) });
const via = (id) => new apigw.LambdaIntegration(fns[id]);
const products = api.root.addResource('products');
products.addMethod('GET', via('get-products'));
products.addMethod('POST', via('create-product'), { authorizer });
const one = products.addResource('{product_id}');
one.addMethod('GET', via('get-product-by-id'));
one.addMethod('PUT', via('update-product'), { authorizer });
one.addMethod('DELETE', via('delete-product'), { authorizer });

const logBucket = new s3.Bucket(stack, 'Logs', {
  bucketName: 'peer-logs', encryption: s3.BucketEncryption.S3_MANAGED, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED, removalPolicy: RemovalPolicy.DESTROY,
  lifecycleRules: [{ expiration: Duration.days(90) }],
});
const site = new s3.Bucket(stack, 'Site', {
  bucketName: 'peer-site', encryption: s3.BucketEncryption.S3_MANAGED, versioned: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, enforceSSL: true, removalPolicy: RemovalPolicy.DESTROY,
  serverAccessLogsBucket: logBucket, serverAccessLogsPrefix: 'logs/',
  lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
});
const distribution = new cf.Distribution(stack, 'Cdn', {
  comment: 'peer', defaultRootObject: 'index.html', priceClass: cf.PriceClass.PRICE_CLASS_100,
  defaultBehavior: { origin: origins.S3BucketOrigin.withOriginAccessControl(site), viewerProtocolPolicy: cf.ViewerProtocolPolicy.REDIRECT_TO_HTTPS },
  additionalBehaviors: {
    '/products*': {
      origin: new origins.RestApiOrigin(api), allowedMethods: cf.AllowedMethods.ALLOW_ALL,
      cachePolicy: cf.CachePolicy.CACHING_DISABLED, viewerProtocolPolicy: cf.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
    },
  },
  errorResponses: [{ httpStatus: 403, responseHttpStatus: 404, responsePagePath: '/error.html' }],
});

const alarm = (name, metric, threshold) =>
  new cw.Alarm(stack, name, { alarmName: 'peer-' + name, metric, threshold, evaluationPeriods: 1,
    comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, treatMissingData: cw.TreatMissingData.NOT_BREACHING });
const widgets = [];
for (const id of ids) {
  const f = fns[id];
  alarm(id + '-errors', f.metricErrors({ period: Duration.minutes(5) }), 1);
  alarm(id + '-throttles', f.metricThrottles({ period: Duration.minutes(5) }), 1);
  // MiniStack's CloudFormation refuses metric-math alarms: a plain one stands in (same count).
  alarm(id + '-error-rate', f.metricErrors({ period: Duration.minutes(5), statistic: 'Average' }), 0.05);
  widgets.push(f.metricInvocations(), f.metricErrors());
}
const ddbMetric = (metricName, dims) => new cw.Metric({ namespace: 'AWS/DynamoDB', metricName, dimensionsMap: dims, period: Duration.minutes(5), statistic: 'Sum' });
alarm('table-throttled-requests', ddbMetric('ThrottledRequests', { TableName: 'peer-products', Operation: 'Query' }), 1);
alarm('table-read-throttle-events', ddbMetric('ReadThrottleEvents', { TableName: 'peer-products' }), 1);
alarm('table-write-throttle-events', ddbMetric('WriteThrottleEvents', { TableName: 'peer-products' }), 1);
alarm('index-read-throttle-events', ddbMetric('ReadThrottleEvents', { TableName: 'peer-products', GlobalSecondaryIndexName: 'category-index' }), 1);
alarm('index-write-throttle-events', ddbMetric('WriteThrottleEvents', { TableName: 'peer-products', GlobalSecondaryIndexName: 'category-index' }), 1);
alarm('api-5xx', api.metricServerError({ period: Duration.minutes(5) }), 1);
alarm('api-latency-p99', api.metricLatency({ period: Duration.minutes(5), statistic: 'p99' }), 3000);
const cfMetric = (metricName) => new cw.Metric({ namespace: 'AWS/CloudFront', metricName,
  dimensionsMap: { DistributionId: distribution.distributionId, Region: 'Global' }, period: Duration.minutes(5), statistic: 'Average' });
alarm('cloudfront-4xx-rate', cfMetric('4xxErrorRate'), 15);
alarm('cloudfront-5xx-rate', cfMetric('5xxErrorRate'), 1);
// One graph of every function (the CloudFormation template must stay under 50 KiB without bootstrap).
new cw.Dashboard(stack, 'Dashboard', { dashboardName: 'peer-eu-west-3', widgets: [[new cw.GraphWidget({ title: 'functions', left: widgets })]] });
app.synth();
`;
