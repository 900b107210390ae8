// The emulator's certificate: made with every name the stack prints, kept, and remade when a name
// is missing (a certificate MiniStack made for itself names localhost but not the website).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { certificateCovers, ensureCertificate } from '../../src/emulator/tls-cert.js';
import { privateDir } from '../../src/paths.js';

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

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

  it('keeps the state folder, its TLS folder and key private, and tightens a kept key made looser', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'projet1-tls-')), 'state');
    const made = ensureCertificate(dir);
    assert.deepEqual([mode(dir), mode(join(dir, 'ministack-tls')), mode(made.key)], ['700', '700', '600']);
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'ministack-tls'), 0o775);
    chmodSync(made.key, 0o644);
    const kept = ensureCertificate(dir);
    assert.equal(readFileSync(kept.cert, 'utf8'), readFileSync(made.cert, 'utf8'), 'kept, not remade');
    assert.deepEqual([mode(dir), mode(join(dir, 'ministack-tls')), mode(kept.key)], ['700', '700', '600']);
  });
});

describe('privateDir', () => {
  it('makes a folder 0700 whatever the umask, leaves its parents alone, and tightens an existing one', () => {
    const parent = join(mkdtempSync(join(tmpdir(), 'projet1-private-')), 'a', 'b');
    const old = process.umask(0);
    try {
      privateDir(join(parent, 'projet1'));
    } finally {
      process.umask(old);
    }
    assert.equal(mode(join(parent, 'projet1')), '700');
    assert.equal(mode(parent), '777', 'a parent gets the usual modes (here umask 0)');
    chmodSync(join(parent, 'projet1'), 0o750);
    privateDir(join(parent, 'projet1'));
    assert.equal(mode(join(parent, 'projet1')), '700');
  });
});
