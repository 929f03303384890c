// A kubeconfig whose every credential plugin would leave a marker file if anything ran it: exec with
// sh -c, with a PATH lookup, with a command relative to the kubeconfig, with the whole command line in
// `command`, through env; an auth-provider with cmd-path; an OIDC provider whose issuer is a listener.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pki } from '../../support/fixtures';
import { b64 } from '../../support/pki';

export interface ExecKubeconfig {
  path: string;
  text: string;
  markers: string[];
  clusters: string[];
}

interface Plugin {
  name: string;
  user: (marker: string) => string[];
  /** Runs the plugin the way kubectl (or a shell) would, to prove it makes its marker. */
  run: (marker: string, dir: string) => void;
}

const PLUGINS: Plugin[] = [
  {
    name: 'sh-c',
    user: (m) => ['exec:', '  apiVersion: client.authentication.k8s.io/v1', '  command: /bin/sh', `  args: ["-c", "touch '${m}'"]`, '  interactiveMode: Never'],
    run: (m) => void spawnSync('/bin/sh', ['-c', `touch '${m}'`]),
  },
  {
    name: 'path-lookup',
    user: (m) => ['exec:', '  apiVersion: client.authentication.k8s.io/v1beta1', '  command: touch', '  args:', `  - ${m}`],
    run: (m) => void spawnSync('touch', [m]),
  },
  {
    name: 'relative',
    user: (m) => ['exec:', '  apiVersion: client.authentication.k8s.io/v1', '  command: ./make-marker.sh', `  args: ["${m}"]`, '  provideClusterInfo: true'],
    run: (m, dir) => void spawnSync(join(dir, 'make-marker.sh'), [m], { cwd: dir }),
  },
  {
    name: 'command-line',
    user: (m) => ['exec:', '  apiVersion: client.authentication.k8s.io/v1', `  command: "sh -c 'touch ${m}'"`],
    run: (m) => void spawnSync('/bin/sh', ['-c', `sh -c 'touch ${m}'`]),
  },
  {
    name: 'env',
    user: (m) => [
      'exec:',
      '  apiVersion: client.authentication.k8s.io/v1',
      '  command: /usr/bin/env',
      `  args: ["sh", "-c", "touch \\"$MARKER\\""]`,
      '  env:',
      '  - name: MARKER',
      `    value: ${m}`,
      `  installHint: "$(touch ${m}.hint)"`,
    ],
    run: (m) => void spawnSync('/usr/bin/env', ['sh', '-c', 'touch "$MARKER"'], { env: { ...process.env, MARKER: m } }),
  },
  {
    name: 'gcp',
    user: (m) => ['auth-provider:', '  name: gcp', '  config:', '    cmd-path: /bin/sh', `    cmd-args: -c "touch '${m}'"`, '    token-key: "{.access_token}"'],
    run: (m) => void spawnSync('/bin/sh', ['-c', `touch '${m}'`]),
  },
];

/** Writes the kubeconfig (and the relative command) into `dir`; every server, issuer and proxy is `server`. */
export function execKubeconfig(dir: string, server: string, issuer: string): ExecKubeconfig {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'make-marker.sh'), '#!/bin/sh\ntouch "$1"\n');
  chmodSync(join(dir, 'make-marker.sh'), 0o755);
  // Prove every plugin works: run each once on a control marker.
  for (const p of PLUGINS) {
    const control = join(dir, `control-${p.name}`);
    p.run(control, dir);
    assert.ok(existsSync(control), `the ${p.name} plugin makes its marker when run`);
    rmSync(control);
  }
  const markers = PLUGINS.map((p) => join(dir, `marker-${p.name}`));
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  const clusters = ['plugins', 'plugins-too'];
  for (const name of clusters) lines.push('- cluster:', `    certificate-authority-data: ${b64(pki().ca.pem)}`, `    server: ${server}`, `  name: ${name}`);
  lines.push('contexts:');
  for (const p of [...PLUGINS.map((x) => x.name), 'oidc']) lines.push('- context:', '    cluster: plugins', `    user: ${p}`, `  name: ${p}`);
  lines.push('current-context: sh-c', 'users:');
  PLUGINS.forEach((p, i) => lines.push(`- name: ${p.name}`, '  user:', ...p.user(markers[i]).map((l) => `    ${l}`)));
  lines.push(
    '- name: oidc',
    '  user:',
    '    auth-provider:',
    '      name: oidc',
    '      config:',
    '        client-id: kubernetes',
    `        idp-issuer-url: ${issuer}`,
    '        refresh-token: not-a-real-refresh-token',
  );
  const text = lines.join('\n') + '\n';
  const path = join(dir, 'plugins.kubeconfig');
  writeFileSync(path, text);
  return { path, text, markers: [...markers, join(dir, 'marker-env.hint')], clusters };
}

export function markersMade(config: ExecKubeconfig): string[] {
  return config.markers.filter((m) => existsSync(m));
}
