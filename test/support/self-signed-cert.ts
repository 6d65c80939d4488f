import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its key, PEM files; the certificate is its own CA. */
export interface CertFiles {
  cert: string;
  key: string;
}

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with the openssl CLI (.ci/run
 * installs it when missing), valid a day: what a test's TLS server presents and its clients trust.
 */
export function selfSignedCert(): CertFiles {
  const dir = mkdtempSync(join(tmpdir(), 'wg-tls-'));
  const files = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      files.key,
      '-out',
      files.cert,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return files;
}
