// The kubeconfig files kubectl would use, when no PATH is given.
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

/** kubectl's choice: every file of $KUBECONFIG, else ~/.kube/config. */
export function defaultKubeconfigs(env: NodeJS.ProcessEnv, cwd: string): string[] {
  const list = (env.KUBECONFIG ?? '')
    .split(delimiter)
    .filter((p) => p !== '')
    .map((p) => resolve(cwd, p));
  if (list.length > 0) return [...new Set(list)];
  return [join(env.HOME || homedir(), '.kube', 'config')];
}
