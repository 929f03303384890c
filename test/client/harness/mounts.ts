// Read-only and full file systems for the failure tests, made with what root has here (CAP_SYS_ADMIN,
// CAP_LINUX_IMMUTABLE); every mount and immutable flag is recorded so `undo()` can take it back even
// when a test failed half-way.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function sh(cmd: string, ...args: string[]): { ok: boolean; err: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { ok: r.status === 0, err: (r.stderr || r.error?.message || '').trim() };
}

export class Mounts {
  private mounted: string[] = [];
  private immutable: string[] = [];

  /** Why a kind of trick cannot be used on this machine, or undefined when it can (tried for real in a scratch folder). */
  static probe(): { mount?: string; chattr?: string; setpriv?: string } {
    const d = mkdtempSync(join(tmpdir(), 'kubecert-probe-'));
    const out: { mount?: string; chattr?: string; setpriv?: string } = {};
    const t = join(d, 't');
    mkdirSync(t);
    const m = sh('mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', t);
    if (m.ok) sh('umount', t);
    else out.mount = `mount: ${m.err}`;
    const f = join(d, 'f');
    spawnSync('touch', [f]);
    const c = sh('chattr', '+i', f);
    if (c.ok) sh('chattr', '-i', f);
    else out.chattr = `chattr: ${c.err}`;
    const s = sh('setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'true');
    if (!s.ok) out.setpriv = `setpriv: ${s.err}`;
    spawnSync('rm', ['-rf', d]);
    return out;
  }

  tmpfs(dir: string, size: string): void {
    const r = sh('mount', '-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir);
    if (!r.ok) throw new Error(`mount tmpfs on ${dir}: ${r.err}`);
    this.mounted.push(dir);
  }

  /** `path` (a file or a folder) becomes read-only in place: a bind mount of itself, remounted read-only. */
  readOnly(path: string): void {
    const b = sh('mount', '--bind', path, path);
    if (!b.ok) throw new Error(`mount --bind ${path}: ${b.err}`);
    this.mounted.push(path);
    const r = sh('mount', '-o', 'remount,bind,ro', path);
    if (!r.ok) throw new Error(`remount ${path} read-only: ${r.err}`);
  }

  immutableFile(path: string): void {
    const r = sh('chattr', '+i', path);
    if (!r.ok) throw new Error(`chattr +i ${path}: ${r.err}`);
    this.immutable.push(path);
  }

  undo(): void {
    for (const p of this.immutable.splice(0)) sh('chattr', '-i', p);
    for (const p of this.mounted.splice(0).reverse()) {
      if (!sh('umount', p).ok) sh('umount', '-l', p);
    }
  }
}
