// JIT warm-up: a fresh server analyses a small kubeconfig a few times while idle, so the user's first
// open and first keystroke run optimised code instead of paying V8's compilation on the spot.

const SAMPLE_CERT =
  'MIIBfjCCASSgAwIBAgIBATAKBggqhkjOPQQDAjAVMRMwEQYDVQQDEwprdWJlcm5ldGVzMB4XDTI1MDEwMTAwMDAwMFoXDTM1MDEwMTAwMDAwMFowFTETMBEGA1UEAxMKa3ViZXJuZXRlczBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABA==';

function sample(round: number): string {
  const pem = Buffer.from(`-----BEGIN CERTIFICATE-----\n${SAMPLE_CERT}\n-----END CERTIFICATE-----\n`).toString('base64');
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  for (let i = 0; i < 8; i++) lines.push('- cluster:', `    certificate-authority-data: ${pem}`, `    server: https://192.0.2.${i}:6443`, `  name: c${i}`);
  lines.push('contexts:');
  for (let i = 0; i < 8; i++) lines.push('- context:', `    cluster: c${i}`, `    user: u${i}`, `    namespace: ns${round}`, `  name: x${i}`);
  lines.push('current-context: x0', 'users:');
  for (let i = 0; i < 8; i++) lines.push(`- name: u${i}`, '  user:', '    token: warm-up');
  return lines.join('\n') + '\n';
}

/**
 * Runs `exercise` on `rounds` sample texts, one per event-loop turn (a few milliseconds each), and stops
 * for good as soon as `done()` says real documents arrived: from then on real work keeps the code warm,
 * and warm-up must never delay a user's request.
 */
export function warmUp(done: () => boolean, exercise: (text: string, round: number) => void, rounds = 16): void {
  let round = 0;
  const step = (): void => {
    if (round >= rounds || done()) return;
    exercise(sample(round), round++);
    setImmediate(step);
  };
  setImmediate(step);
}
