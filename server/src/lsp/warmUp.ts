// JIT warm-up: a fresh server analyses a small kubeconfig a few times while idle, so the user's first
// open and first keystroke run compiled code instead of paying V8's compilation on the spot.
import { generateKeyPair, generateKeyPairSync } from 'node:crypto';
import type { TextEdit } from '../core';
import * as features from './features';
import type { Session } from './session';
import { Workspace } from './workspace';

// A self-signed P-256 certificate made for this purpose (its key was discarded): a valid certificate, so
// the warm-up runs the whole decoding path, not its error branch.
const SAMPLE_CERT = [
  'MIIB2TCCAX6gAwIBAgIBATAKBggqhkjOPQQDAjA0MRkwFwYDVQQDDBBrdWJlY2VydC13YXJtLXVwMRcwFQYDVQQKDA5zeXN0',
  'ZW06bWFzdGVyczAeFw0yNjExMjIwMjIyMjZaFw0zNjExMTkwMjIyMjZaMDQxGTAXBgNVBAMMEGt1YmVjZXJ0LXdhcm0tdXAx',
  'FzAVBgNVBAoMDnN5c3RlbTptYXN0ZXJzMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEBNSWfmRdXvxZ8+E16nLX3v7DF3mA',
  '8OH1LpxtspfaaW+9Z4HtobLDo973Ju6yAHhfrX0Kd0Vc1RG1t8ANucdouKOBgDB+MB0GA1UdDgQWBBRcFvk9t7DLtVk5mPXU',
  'zyu8W0tC8zAfBgNVHSMEGDAWgBRcFvk9t7DLtVk5mPXUzyu8W0tC8zAPBgNVHRMBAf8EBTADAQH/MBsGA1UdEQQUMBKCCmt1',
  'YmVybmV0ZXOHBH8AAAEwDgYDVR0PAQH/BAQDAgKEMAoGCCqGSM49BAMCA0kAMEYCIQCH40Tpg/G/qLlAxE3JSERsj1o1Gh1H',
  'DCWI8VMmNpOpKQIhAN5QoaLvHiq9UJYYUqD83sUnlpdOzRb6w7b8oNgx1zsq',
].join('');

/** Inside every sample certificate's validity. */
export const WARM_UP_NOW = Date.UTC(2030, 0, 1);

// Certificates from scripts/warm-up-certificates.sh (its keys were deleted): an RSA and an ECDSA CA, each with a
// client certificate it signed, so the warm-up runs both key types, chains and signature checks, as real files do.
const RSA_CA = [
  'MIIDWzCCAkOgAwIBAgIUE2V2B/uDGJRrikLaZGGHeGHWuIUwDQYJKoZIhvcNAQELBQAwNTEgMB4GA1UEAwwXa3ViZWNlcnQt',
  'd2FybS11cC1yc2EtY2ExETAPBgNVBAoMCGt1YmVjZXJ0MB4XDTI2MTIwMjAxMzcxNFoXDTM2MTEyOTAxMzcxNFowNTEgMB4G',
  'A1UEAwwXa3ViZWNlcnQtd2FybS11cC1yc2EtY2ExETAPBgNVBAoMCGt1YmVjZXJ0MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A',
  'MIIBCgKCAQEAxnqhR/ALclfGJblst434DfK2h6JCixqt1Apy3ux7I/N8Q5NoAvaN0/YZaRSRdEJ49vix9Hn1MZrhjBdTp8o5',
  'unwVg57vCB+fukfPDdrJ5Z+K+AE/X8zjnTcgbzQ//SEv+7x3NqRJgdu0qhBHWAb6R4TfDDfg19Y55s7fSlycqKE1AH3zKmY4',
  '61Eq7SnUIwe7pdAyt2cjvg/sd7ZI9N5wIUV0r8+CIbv9fcLAcsgrQQreT2uurKCLdLC3O1XoEqE2TShzKcR9sIpzzH7o6jRx',
  'ev8jAkNpQgjmIj/J2hyNBHGGOAYsOHymvo/ySDJijlcr7mFhNdHZjdOZmuGIwTiVUwIDAQABo2MwYTAdBgNVHQ4EFgQUT564',
  'H6GzzY/iPELrYdQmfvLN8O4wHwYDVR0jBBgwFoAUT564H6GzzY/iPELrYdQmfvLN8O4wDwYDVR0TAQH/BAUwAwEB/zAOBgNV',
  'HQ8BAf8EBAMCAYYwDQYJKoZIhvcNAQELBQADggEBAKaz5Rw0QxT3xpDwJB1zTciGj5nD0IUa51UAPgp5uCBm7Ka8XWyfHYLj',
  'oLvn+CYyyXo9FpGdsH0dB9T2w8mZzu4A0bAY8g/Z7hLmcbNFL4IAvg5wD+29iSppM5P6SMJzaCHiocEsMGJUAn+KStWW2RuP',
  '1SxjUAR248Qnq0WfcwRooA8GlmUaE2xsgNHNd7B9ikFmJzz3Xas8jmBndfj4sVcUeePw/w5TsGuZf1cjcJIbvCis/bLtVyOs',
  '3ShVoPY2kxQrk3NiOi+Pf3iRt7KkcCs3oUH/QzvSJPnQkTYYrN5hY7hNJ5H78RuTlLMqlkhUdGQJYhNrW0RVDPWUOciyEjI=',
].join('');
const RSA_CLIENT = [
  'MIIDWzCCAkOgAwIBAgIURtMThqs6EH6zWpn64gZIWBJfacUwDQYJKoZIhvcNAQELBQAwNTEgMB4GA1UEAwwXa3ViZWNlcnQt',
  'd2FybS11cC1yc2EtY2ExETAPBgNVBAoMCGt1YmVjZXJ0MB4XDTI2MTIwMjAxMzcxNVoXDTM2MTEyOTAxMzcxNVowMTEWMBQG',
  'A1UEAwwNd2FybS11cC1hZG1pbjEXMBUGA1UECgwOc3lzdGVtOm1hc3RlcnMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK',
  'AoIBAQCYx/4v4Bd9UfeiZ3Pkagj2KtPpjDlqTjnM3x+VAalyfbQQ4NqEZg2/G7zFnT9YjxwouZ+S6x+Ee6nAMcUjeasAryiV',
  't650NhCjBSpFp79yT87b2sVUOI+UhmKDOxQnIoMb94r6zgxWTBlMNlz8oSZU2tC5uUQdPjRnDhBvUZ8N4k1dV+gV9piZynZB',
  'WFBKvd1/Z2NnHR9QhioSU+K1Y3x22qU99hF9thKBELEe1F/bn0eSy0MJGfU7mhe2EZo843gr1YdMt41DRtTCQwJy5rWO7wji',
  'q8Oe0WXVA25ZG0rWpmNjzXVfR4m75DWeBkvII0hWvVc3rOZg8h2ItxCcueT7AgMBAAGjZzBlMA4GA1UdDwEB/wQEAwIFoDAT',
  'BgNVHSUEDDAKBggrBgEFBQcDAjAdBgNVHQ4EFgQUeakEIZ7uxkl6ggebzSkA5NhqL4swHwYDVR0jBBgwFoAUT564H6GzzY/i',
  'PELrYdQmfvLN8O4wDQYJKoZIhvcNAQELBQADggEBAIYieKgN8Mg2381PFarPFOsuToWhbK237aqRzrMfTklHuaoGD7XM64an',
  'd5rdkLn0GeETKk5gHhDXsO77Wfx2c5di/17dBqJSOihGd/jFrhcqQVjaRxZdezu+2Q4zy/k3d2664pOl93EDamId7D1ICI0u',
  'pAwMnr9ffvZ0cJQPLKZGeies3xs+TixuvyARXuU9u7VXZRho/a3eYnN3AKzhZFa9XH5zPDgcZ+iUzT0Ncr46b+hpNAtNnN5J',
  'nX6+4SJ0BNRzpRlWkHVK2SusCF84kO4y02UXP2ZeSW0ya2KJ+3LClASDFqroLyvO/acdoDfSZ3EKfFEqqEhO0fxkyhERdTc=',
].join('');
const EC_CA = [
  'MIIBzTCCAXOgAwIBAgIUeDuXpSOVIXVmY+k+fImY8sx3xiYwCgYIKoZIzj0EAwIwNDEfMB0GA1UEAwwWa3ViZWNlcnQtd2Fy',
  'bS11cC1lYy1jYTERMA8GA1UECgwIa3ViZWNlcnQwHhcNMjYxMjAyMDEzNzE1WhcNMzYxMTI5MDEzNzE1WjA0MR8wHQYDVQQD',
  'DBZrdWJlY2VydC13YXJtLXVwLWVjLWNhMREwDwYDVQQKDAhrdWJlY2VydDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABCXD',
  'ftrmWRnhNRQal/3igxxrfCG64u8g05gwlhBQHw9+UOd55lSbjaguOHOXuwGAdOHqrFBI+nLJ/YvEttAY4ZejYzBhMB0GA1Ud',
  'DgQWBBR4rLUYRimMWFVFPDfx+qALBduuxTAfBgNVHSMEGDAWgBR4rLUYRimMWFVFPDfx+qALBduuxTAPBgNVHRMBAf8EBTAD',
  'AQH/MA4GA1UdDwEB/wQEAwIBhjAKBggqhkjOPQQDAgNIADBFAiAT0DMVNPDZjXc6dQrp6GTuo6KmybbZC9rbEPhbf4GsnAIh',
  'AKpD7z/8KHzfn8fq3PU/lpksN+2SMKMXmzAdnWtC5qBd',
].join('');
const EC_CLIENT = [
  'MIIB4jCCAYegAwIBAgIUWhxUmu2qFDvXE1EshZ7RKWZUXIowCgYIKoZIzj0EAwIwNDEfMB0GA1UEAwwWa3ViZWNlcnQtd2Fy',
  'bS11cC1lYy1jYTERMA8GA1UECgwIa3ViZWNlcnQwHhcNMjYxMjAyMDEzNzE1WhcNMzYxMTI5MDEzNzE1WjBEMRQwEgYDVQQD',
  'DAt3YXJtLXVwLWRldjETMBEGA1UECgwKZGV2ZWxvcGVyczEXMBUGA1UECwwOc3lzdGVtOm1hc3RlcnMwWTATBgcqhkjOPQIB',
  'BggqhkjOPQMBBwNCAATjacHyFSQz54sfbS6TBS6xRIkPBxVyqLPnmNf6oYknyN4tCeug+vcEXa9Yw6SrjNbnwPNQIyK3hGKR',
  'uH7AYkgJo2cwZTAOBgNVHQ8BAf8EBAMCB4AwEwYDVR0lBAwwCgYIKwYBBQUHAwIwHQYDVR0OBBYEFLOG+Bs0VGZg2SWBfzgK',
  '8USeKrmHMB8GA1UdIwQYMBaAFHistRhGKYxYVUU8N/H6oAsF267FMAoGCCqGSM49BAMCA0kAMEYCIQDW6sAsvKHlSAu4xwx8',
  '3pfUT1yGdV/gGWtMyMUM3FHsTQIhAJ6s9vaJKoLl6Bgv9uTdSjdZ8LGpPvXWkKM568AlWe9G',
].join('');

/**
 * Private keys for the users of the sample, made at run time in every format kubeconfigs hold (SEC1, PKCS#8, PKCS#1)
 * so that key parsing warms up too. They match no certificate (key-mismatch is a path worth warming as well) and
 * nothing of the warm-up is ever shown. ECDSA keys at once (cheap); RSA keys on the thread pool once a first document
 * has been analysed, so that they never take the core a first open needs.
 */
const keys: string[] = [];

function ecKeys(): void {
  for (const type of ['sec1', 'pkcs8'] as const)
    keys.push(
      generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type, format: 'pem' } })
        .privateKey,
    );
}

function rsaKeys(): void {
  for (const type of ['pkcs1', 'pkcs8'] as const)
    generateKeyPair(
      'rsa',
      { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type, format: 'pem' } },
      (err, _publicKey, privateKey) => {
        if (!err) keys.push(privateKey);
      },
    );
}

const pem = (body: string, variant: number): string =>
  // Distinct text for each use (trailing line breaks, which decoding ignores): every certificate is decoded, not found in the cache.
  Buffer.from(`-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n${'\n'.repeat(variant)}`).toString('base64');

function sample(round: number, n: number): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  const cas = [RSA_CA, EC_CA, SAMPLE_CERT];
  for (let i = 0; i < n; i++)
    lines.push('- cluster:', `    certificate-authority-data: ${pem(cas[i % 3], round * n + i)}`, `    server: https://192.0.2.${i}:6443`, `  name: c${i}`);
  lines.push('contexts:');
  for (let i = 0; i < n; i++) lines.push('- context:', `    cluster: c${i}`, `    user: u${i}`, `    namespace: ns${round}`, `  name: x${i}`);
  lines.push('current-context: x0', 'users:');
  for (let i = 0; i < n; i++) {
    lines.push(`- name: u${i}`, '  user:');
    if (i % 3 === 2) lines.push('    token: warm-up');
    else {
      lines.push(`    client-certificate-data: ${pem(i % 3 === 0 ? RSA_CLIENT : EC_CLIENT, round * n + i)}`);
      const key = keys[(round + i) % Math.max(1, keys.length)];
      if (key) lines.push(`    client-key-data: ${Buffer.from(key).toString('base64')}`);
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * Runs `exercise` on `rounds` sample texts, one per idle turn of the event loop (a few milliseconds each,
 * less once compiled). While `busy()` (real documents being analysed) it waits and looks again later, so
 * warm-up never competes with real work; it also runs after the first real analysis, while the user
 * reads, so that the first keystroke runs compiled code too. Samples have 8 contexts while a first document
 * may arrive any moment (a round delays it by its own length), 48 once one has been analysed (`settled`: V8
 * compiles what runs often; the keystroke path runs once per entry).
 */
export function warmUp(
  busy: () => boolean,
  exercise: (text: string, round: number, edit?: TextEdit) => void,
  settled: () => boolean = () => false,
  rounds = 32,
): void {
  let round = 0;
  let previous = '';
  let rsa = false;
  ecKeys();
  const step = (): void => {
    if (round >= rounds) return;
    if (busy()) {
      setTimeout(step, 50);
      return;
    }
    const size = settled() ? 48 : 8;
    if (size > 8 && !rsa) {
      rsa = true;
      rsaKeys();
    }
    if (round % 2 === 0) exercise((previous = sample(round, size)), round++);
    else {
      // A keystroke: one letter added to the last namespace of the previous round's text.
      const at = previous.lastIndexOf('    namespace: ns') + '    namespace: ns'.length;
      const edit = { span: { start: at, end: at }, newText: 'w' };
      exercise(previous.slice(0, at) + edit.newText + previous.slice(at), round++, edit);
    }
    setImmediate(step);
  };
  setImmediate(step);
}

/**
 * Warms the path a keystroke takes (analysis, positions, diagnostics, JSON) on a scratch workspace: every other round
 * a fresh one with a new sample (the open path), in between one letter typed into it (the keystroke path). Judged at
 * a moment inside the samples' validity, whatever clock the user set: the common path.
 */
export function warmUpSession(session: Session, busy: () => boolean): void {
  const scratchWorkspace = () => new Workspace(session.host, { ...session.workspace.getSettings(), now: WARM_UP_NOW }, () => WARM_UP_NOW);
  let scratch = scratchWorkspace();
  warmUp(
    busy,
    (text, round, edit) => {
      if (round % 2 === 0) scratch = scratchWorkspace();
      if (edit) scratch.edited('kubecert-warm-up:/sample', round - 1, round, edit);
      void JSON.stringify(features.diagnostics(scratch.snapshot('kubecert-warm-up:/sample', round, text)));
    },
    () => session.workspace.analysed(),
  );
}
