// The emulator's certificate: made with every name the stack prints, kept, and remade when a name
// is missing (a certificate MiniStack made for itself names localhost but not the website).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { certificateCovers, ensureCertificate } from '../../src/emulator/tls-cert.js';

describe('emulator certificate', () => {
  it('names the website host form, the endpoint and loopback, is a leaf, and is kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'projet1-tls-'));
    const made = ensureCertificate(dir);
    const x509 = new X509Certificate(readFileSync(made.cert));
    assert.equal(x509.checkHost('d3a16wv28ggji9.cloudfront.localhost'), '*.cloudfront.localhost');
    assert.equal(x509.checkHost('localhost'), 'localhost');
    assert.equal(x509.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(x509.ca, false);
    assert.equal(statSync(made.key).mode & 0o077, 0, 'the key is private');
    const again = ensureCertificate(dir);
    assert.equal(readFileSync(again.cert, 'utf8'), readFileSync(made.cert, 'utf8'), 'kept, not remade');
  });

  it("replaces a certificate that lacks a name (MiniStack's own)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'projet1-tls-'));
    const tls = join(dir, 'ministack-tls');
    mkdirSync(tls);
    const cert = join(tls, 'server.crt');
    const key = join(tls, 'server.key');
    const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '30'];
    const san = ['-subj', '/CN=ministack-local', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'];
    assert.equal(spawnSync('openssl', [...args, ...san]).status, 0);
    assert.equal(certificateCovers(cert), false);
    ensureCertificate(dir);
    assert.equal(certificateCovers(cert), true);
  });
});
