// Every finding code and its default severity: the server, the CLI, the client's settings and package.json's
// `kubecert.severities` enum agree on this one list (a unit test holds package.json to it).

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** Every code Kubecert reports, with its default severity. CI users, tests and quick fixes key on these strings. */
export const CODES = {
  'cert-expired': 'error',
  'cert-not-yet-valid': 'error',
  'cert-expiring-soon': 'warning',
  'chain-untrusted': 'warning',
  'key-mismatch': 'error',
  'group-in-ou': 'warning',
  'superuser-group': 'warning',
  'missing-client-auth': 'error',
  'not-a-ca': 'error',
  'weak-key': 'warning',
  'weak-signature': 'warning',
  'san-mismatch': 'error',
  'invalid-base64': 'error',
  'pem-not-base64': 'error',
  'not-a-certificate': 'error',
  'unknown-context': 'error',
  'unknown-cluster': 'error',
  'unknown-user': 'error',
  'duplicate-name': 'error',
  'insecure-with-ca': 'error',
  'conflicting-ca-source': 'warning',
  'missing-file': 'error',
  'insecure-server-url': 'warning',
  'csr-subject-mismatch': 'error',
  'yaml-syntax': 'error',
  'input-limit': 'warning',
  'probe-failed': 'warning',
  'ca-bundle-mismatch': 'error',
  'server-ca-mismatch': 'error',
  'client-ca-mismatch': 'error',
  'ca-key-exposed': 'warning',
} as const satisfies Record<string, Severity>;

export type Code = keyof typeof CODES;
