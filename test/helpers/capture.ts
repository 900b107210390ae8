// A writable stream that keeps what is written, for renderers under test.
import { Writable } from 'node:stream';

export function captureStream(extra: { isTTY?: boolean; columns?: number } = {}): {
  stream: NodeJS.WriteStream;
  text: () => string;
} {
  let text = '';
  const stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      text += chunk.toString();
      done();
    },
  });
  Object.assign(stream, extra);
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}
