// Real kubectl against the files a test wrote: what it reads, and whether it will write.
import { spawnSync } from 'node:child_process';

export const kubectlPresent = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

export interface KubectlRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function kubectl(files: string[], ...args: string[]): KubectlRun {
  const r = spawnSync('kubectl', ['config', ...args], { encoding: 'utf8', env: { ...process.env, KUBECONFIG: files.join(':') }, timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The merged config as kubectl reads it (`kubectl config view --raw -o json`); throws with kubectl's words if it cannot. */
export function kubectlView(files: string[]): KubectlConfig {
  const r = kubectl(files, 'view', '--raw', '-o', 'json');
  if (r.status !== 0) throw new Error(`kubectl config view failed on ${files.join(':')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as KubectlConfig;
}

export interface KubectlConfig {
  'current-context'?: string;
  clusters: { name: string; cluster: Record<string, unknown> }[] | null;
  users: { name: string; user: Record<string, unknown> }[] | null;
  contexts: { name: string; context: { cluster: string; user: string; namespace?: string } }[] | null;
}

export function namespaceOf(config: KubectlConfig, context: string): string | undefined {
  return config.contexts?.find((c) => c.name === context)?.context.namespace;
}

/** kubectl's refusal when a `.lock` exists (client-go lockFile: `open <file>.lock: file exists`). */
export const LOCK_REFUSAL = /open .*\.lock: file exists/;
