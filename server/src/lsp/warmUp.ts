// JIT warm-up: a fresh server analyses a small kubeconfig a few times while idle, so the user's first
// open and first keystroke run compiled code instead of paying V8's compilation on the spot.

// A self-signed P-256 certificate made for this purpose (its key was discarded): a valid certificate, so
// the warm-up runs the whole decoding path, not its error branch.
const SAMPLE_CERT =
  'MIIB2TCCAX6gAwIBAgIBATAKBggqhkjOPQQDAjA0MRkwFwYDVQQDDBBrdWJlY2VydC13YXJtLXVwMRcwFQYDVQQKDA5zeXN0ZW06bWFzdGVyczAeFw0yNjExMjIwMjIyMjZaFw0zNjExMTkwMjIyMjZaMDQxGTAXBgNVBAMMEGt1YmVjZXJ0LXdhcm0tdXAxFzAVBgNVBAoMDnN5c3RlbTptYXN0ZXJzMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEBNSWfmRdXvxZ8+E16nLX3v7DF3mA8OH1LpxtspfaaW+9Z4HtobLDo973Ju6yAHhfrX0Kd0Vc1RG1t8ANucdouKOBgDB+MB0GA1UdDgQWBBRcFvk9t7DLtVk5mPXUzyu8W0tC8zAfBgNVHSMEGDAWgBRcFvk9t7DLtVk5mPXUzyu8W0tC8zAPBgNVHRMBAf8EBTADAQH/MBsGA1UdEQQUMBKCCmt1YmVybmV0ZXOHBH8AAAEwDgYDVR0PAQH/BAQDAgKEMAoGCCqGSM49BAMCA0kAMEYCIQCH40Tpg/G/qLlAxE3JSERsj1o1Gh1HDCWI8VMmNpOpKQIhAN5QoaLvHiq9UJYYUqD83sUnlpdOzRb6w7b8oNgx1zsq';

function sample(round: number, n: number): string {
  const pem = Buffer.from(`-----BEGIN CERTIFICATE-----\n${SAMPLE_CERT}\n-----END CERTIFICATE-----\n`).toString('base64');
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  for (let i = 0; i < n; i++) lines.push('- cluster:', `    certificate-authority-data: ${pem}`, `    server: https://192.0.2.${i}:6443`, `  name: c${i}`);
  lines.push('contexts:');
  for (let i = 0; i < n; i++) lines.push('- context:', `    cluster: c${i}`, `    user: u${i}`, `    namespace: ns${round}`, `  name: x${i}`);
  lines.push('current-context: x0', 'users:');
  for (let i = 0; i < n; i++) lines.push(`- name: u${i}`, '  user:', i % 2 ? '    token: warm-up' : `    client-certificate-data: ${pem}`);
  return lines.join('\n') + '\n';
}

/**
 * Runs `exercise` on `rounds` sample texts, one per idle turn of the event loop (a few milliseconds each,
 * less once compiled). While `busy()` (real documents being analysed) it waits and looks again later, so
 * warm-up never competes with real work; it also runs after the first real analysis, while the user
 * reads, so that the first keystroke runs compiled code too. `size` is the number of contexts per sample:
 * small while a first document may arrive any moment (a round delays it by its own length), larger once
 * one has been analysed (V8 compiles what runs often; the keystroke path runs once per entry).
 */
export function warmUp(busy: () => boolean, exercise: (text: string, round: number) => void, size: () => number = () => 8, rounds = 24): void {
  let round = 0;
  const step = (): void => {
    if (round >= rounds) return;
    if (busy()) {
      setTimeout(step, 50);
      return;
    }
    exercise(sample(round, size()), round++);
    setImmediate(step);
  };
  setImmediate(step);
}
