// A function's deployable package: its deterministic zip and the SHA-256 Lambda will report.
import { createHash } from 'node:crypto';
import { zip } from './zip.js';

export interface HandlerPackage {
  /** Handler id (file name under handlers/ without extension). */
  id: string;
  zip: Buffer;
  /** base64 SHA-256 of the zip, as Lambda reports CodeSha256. */
  sha256: string;
  /** Size of the bundled JavaScript. */
  bundleBytes: number;
}

export function packageOf(id: string, code: Buffer): HandlerPackage {
  return packageOfZip(id, zip([{ name: 'index.js', data: code }]));
}

/** Our zips hold one file; its size is in the local header (offset 22). */
export function packageOfZip(id: string, archive: Buffer): HandlerPackage {
  const sha256 = createHash('sha256').update(archive).digest('base64');
  return { id, zip: archive, sha256, bundleBytes: archive.length >= 26 ? archive.readUInt32LE(22) : 0 };
}
