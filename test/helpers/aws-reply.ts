// An AWS answer as the proxy writes it: status, headers and a body in the call's protocol.
import type { Call } from './aws-call.js';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** An error answer in the call's protocol, as AWS writes it. */
export function awsError(call: Call, status: number, code: string, message: string): Reply {
  if (call.protocol === 'json') {
    const body = JSON.stringify({ __type: code, message });
    return { status, headers: { 'content-type': 'application/x-amz-json-1.0' }, body };
  }
  if (call.protocol === 'rest-json') {
    const body = JSON.stringify({ message, Message: message });
    return { status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': code }, body };
  }
  if (call.service === 's3') {
    // S3 answers a bare <Error> document, not the query protocol's <ErrorResponse>.
    const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault</RequestId></Error>`;
    return { status, headers: { 'content-type': 'application/xml' }, body };
  }
  const body = `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault</RequestId></ErrorResponse>`;
  return { status, headers: { 'content-type': 'text/xml' }, body };
}
