// A second, independent client: Neovim 0.7's built-in LSP client drives the built server (dist/server.js)
// on a copy of the seed kubeconfig; test/nvim/client.lua writes what it saw to a JSON file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';

const root = process.env.KUBECERT_ROOT ?? join(__dirname, '../../..');

interface NvimResult {
  nvim: { major: number; minor: number; patch: number };
  diagnostics: Array<{ code: string; lnum: number; col: number; severity: number; source: string; message: string }>;
  hover: string | null;
  code_actions: Array<{ title: string; kind: string | null; command: string | null }>;
  executed: { title: string; steps: string[] } | null;
  shown: Array<{ type: number; message: string }>;
  message_requests: Array<{ type: number; message: string; actions?: unknown }>;
  handler_errors: string[];
  prompts: string[][];
  log: string[];
  exit: { code: number; signal: number } | null;
  error: string | null;
}

/** The Neovim to use, or why there is none. */
function findNvim(): { nvim: string } | { missing: string } {
  for (const candidate of ['/usr/bin/nvim', 'nvim']) {
    const r = spawnSync(candidate, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    if (r.status === 0 && /^NVIM v/.test(r.stdout)) return { nvim: candidate };
  }
  return { missing: 'neovim not installed: no /usr/bin/nvim and no nvim on PATH (apt-get install -y neovim)' };
}

const found = findNvim();
let result: NvimResult | undefined;
let failure: string | undefined;
let work: string | undefined;

function need(t: TestContext): NvimResult | undefined {
  if ('missing' in found) {
    t.skip(found.missing);
    return undefined;
  }
  assert.equal(failure, undefined, failure);
  assert.ok(result);
  return result;
}

describe('Neovim 0.7 built-in LSP client', () => {
  before(() => {
    if ('missing' in found) return;
    assert.ok(existsSync(join(root, 'dist/server.js')), 'dist/server.js is missing: run `npm run build` first');
    work = mkdtempSync(join(tmpdir(), 'kubecert-nvim-'));
    const file = join(work, 'admin.kubeconfig');
    copyFileSync(join(root, 'test/fixtures/seed/admin.kubeconfig'), file);
    const outPath = join(work, 'result.json');
    const xdg = join(work, 'xdg');
    for (const d of ['config', 'data', 'state', 'cache']) mkdirSync(join(xdg, d), { recursive: true });
    const r = spawnSync(found.nvim, ['--headless', '--clean', '-u', 'NONE', '-n', '-i', 'NONE', '-c', `luafile ${join(root, 'test/nvim/client.lua')}`], {
      encoding: 'utf8',
      timeout: 60_000,
      cwd: work,
      env: {
        ...process.env,
        KUBECERT_ROOT: root,
        KUBECERT_NODE: process.execPath,
        KUBECERT_FILE: file,
        KUBECERT_OUT: outPath,
        XDG_CONFIG_HOME: join(xdg, 'config'),
        XDG_DATA_HOME: join(xdg, 'data'),
        XDG_STATE_HOME: join(xdg, 'state'),
        XDG_CACHE_HOME: join(xdg, 'cache'),
        NVIM_LOG_FILE: join(work, 'nvim.log'),
      },
    });
    if (r.error) failure = `nvim did not finish: ${r.error.message}\n${r.stderr}`;
    else if (!existsSync(outPath)) failure = `nvim wrote no result (status ${r.status}, signal ${r.signal}):\n${r.stdout}\n${r.stderr}`;
    else result = JSON.parse(readFileSync(outPath, 'utf8')) as NvimResult;
  });
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('the script ran without a Lua error, on Neovim 0.7', (t) => {
    const r = need(t);
    if (!r) return;
    assert.equal(r.error, null, `Lua error: ${r.error}\nlog: ${r.log.join('\n')}`);
    assert.equal(r.nvim.major, 0);
    assert.ok(r.nvim.minor >= 7, `Neovim 0.${r.nvim.minor}`);
  });

  test('diagnostics: cert-expired at line 3, superuser-group at line 18, chain-untrusted', (t) => {
    const r = need(t);
    if (!r) return;
    const codes = r.diagnostics.map((d) => `${d.code}@${d.lnum}`).sort();
    assert.deepEqual(codes, ['cert-expired@3', 'chain-untrusted@18', 'superuser-group@18'], r.log.join('\n'));
    for (const d of r.diagnostics) assert.equal(d.source, 'kubecert');
    assert.equal(r.diagnostics.find((d) => d.code === 'cert-expired')!.severity, 1, 'vim.diagnostic.severity.ERROR');
  });

  test('hover on client-certificate-data: admin, system:masters, Superuser', (t) => {
    const r = need(t);
    if (!r) return;
    assert.ok(r.hover, `no hover; log: ${r.log.join('\n')}`);
    assert.match(r.hover, /admin/);
    assert.match(r.hover, /system:masters/);
    assert.match(r.hover, /Superuser/);
  });

  test('the cert-expired quick fix carries kubecert.showRenewalSteps, and executing it returns the steps', (t) => {
    const r = need(t);
    if (!r) return;
    const action = r.code_actions.find((a) => a.command === 'kubecert.showRenewalSteps');
    assert.ok(action, JSON.stringify(r.code_actions));
    assert.equal(action.kind, 'quickfix');
    assert.ok(r.executed, `no result; log: ${r.log.join('\n')}`);
    assert.match(r.executed.title, /CA/);
    assert.ok(r.executed.steps.length > 0);
  });

  test("the renewal steps reach the user through window/showMessage, without a prompt or an error in Neovim's handlers", (t) => {
    const r = need(t);
    if (!r) return;
    assert.deepEqual(r.handler_errors, [], `Neovim's window/showMessageRequest handler failed on ${JSON.stringify(r.message_requests)}`);
    // Neovim 0.7 answers window/showMessageRequest with a blocking vim.fn.inputlist() prompt, even with no actions.
    assert.deepEqual(r.prompts, [], `Neovim prompted the user (inputlist) for a window/showMessageRequest: ${JSON.stringify(r.prompts).slice(0, 300)}`);
    assert.equal(r.shown.length, 1, `window/showMessage notifications: ${JSON.stringify(r.shown)}; window/showMessageRequest: ${r.message_requests.length}`);
    assert.ok(r.executed && r.shown[0].message.includes(r.executed.title));
  });

  test('the server exits cleanly when Neovim stops it', (t) => {
    const r = need(t);
    if (!r) return;
    assert.deepEqual(r.exit, { code: 0, signal: 0 }, r.log.join('\n'));
  });
});

/** The README's Neovim snippet: the first ```lua block after "Neovim 0.7+". */
export function readmeSnippet(readme: string): string {
  const at = readme.indexOf('Neovim 0.7+');
  assert.ok(at >= 0, 'README.md has no "Neovim 0.7+" section');
  const open = readme.indexOf('```lua\n', at);
  const close = readme.indexOf('\n```', open + 7);
  assert.ok(open >= 0 && close > open, 'no ```lua block after "Neovim 0.7+"');
  return readme.slice(open + 7, close + 1);
}

interface ReadmeResult {
  diagnostics: Array<{ code: string; lnum: number; source: string }>;
  clients: number | null;
  attached: number[];
  hover: string | null;
  lenses: Array<{ line: number; title: string | null }>;
  shown: Array<{ type: number; message: string }>;
  log: string[];
  error: string | null;
}

describe("the README's Neovim snippet, as written", () => {
  let readme: ReadmeResult | undefined;
  let readmeFailure: string | undefined;
  let dir: string | undefined;

  before(() => {
    if ('missing' in found) return;
    assert.ok(existsSync(join(root, 'dist/server.js')), 'dist/server.js is missing: run `npm run build` first');
    dir = mkdtempSync(join(tmpdir(), 'kubecert-nvim-readme-'));
    const snippet = join(dir, 'snippet.lua');
    writeFileSync(snippet, readmeSnippet(readFileSync(join(root, 'README.md'), 'utf8')));
    // The bin on PATH, as `npm install -g` puts it there; its shebang finds node on PATH.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(join(root, 'bin/kubecert-language-server.js'), join(bin, 'kubecert-language-server'));
    const file = join(dir, 'admin.yaml');
    const file2 = join(dir, 'second.yaml');
    copyFileSync(join(root, 'test/fixtures/seed/admin.kubeconfig'), file);
    copyFileSync(join(root, 'test/fixtures/seed/admin.kubeconfig'), file2);
    const outPath = join(dir, 'result.json');
    const xdg = join(dir, 'xdg');
    for (const d of ['config', 'data', 'state', 'cache']) mkdirSync(join(xdg, d), { recursive: true });
    const r = spawnSync(found.nvim, ['--headless', '--clean', '-u', 'NONE', '-n', '-i', 'NONE', '-c', `luafile ${join(root, 'test/nvim/readme.lua')}`], {
      encoding: 'utf8',
      timeout: 90_000,
      cwd: dir,
      env: {
        ...process.env,
        PATH: `${bin}:${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
        KUBECERT_SNIPPET: snippet,
        KUBECERT_FILE: file,
        KUBECERT_FILE2: file2,
        KUBECERT_OUT: outPath,
        XDG_CONFIG_HOME: join(xdg, 'config'),
        XDG_DATA_HOME: join(xdg, 'data'),
        XDG_STATE_HOME: join(xdg, 'state'),
        XDG_CACHE_HOME: join(xdg, 'cache'),
        NVIM_LOG_FILE: join(dir, 'nvim.log'),
      },
    });
    if (r.error) readmeFailure = `nvim did not finish: ${r.error.message}\n${r.stderr}`;
    else if (!existsSync(outPath)) readmeFailure = `nvim wrote no result (status ${r.status}, signal ${r.signal}):\n${r.stdout}\n${r.stderr}`;
    else readme = JSON.parse(readFileSync(outPath, 'utf8')) as ReadmeResult;
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function needReadme(t: TestContext): ReadmeResult | undefined {
    if ('missing' in found) {
      t.skip(found.missing);
      return undefined;
    }
    assert.equal(readmeFailure, undefined, readmeFailure);
    assert.ok(readme);
    assert.equal(readme.error, null, `Lua error: ${readme.error}\nlog: ${readme.log.join('\n')}`);
    return readme;
  }

  test('the snippet is the documented one: start_client and buf_attach_client', () => {
    const snippet = readmeSnippet(readFileSync(join(root, 'README.md'), 'utf8'));
    assert.match(snippet, /vim\.lsp\.start_client\(/);
    assert.match(snippet, /vim\.lsp\.buf_attach_client\(/);
  });

  test('the buffer gets diagnostics (the seed: cert-expired at line 3, superuser-group at line 18)', (t) => {
    const r = needReadme(t);
    if (!r) return;
    // Both hold at any date after 2023: the CA expired then, and system:masters does not depend on the clock.
    const codes = r.diagnostics.map((d) => `${d.code}@${d.lnum}`);
    assert.ok(codes.includes('cert-expired@3'), `${JSON.stringify(codes)}\n${r.log.join('\n')}`);
    assert.ok(codes.includes('superuser-group@18'), JSON.stringify(codes));
    assert.match(r.hover ?? '', /system:masters/);
  });

  test('one server for two YAML buffers, attached to both', (t) => {
    const r = needReadme(t);
    if (!r) return;
    assert.equal(r.clients, 1, 'one kubecert client, not one per FileType event');
    assert.deepEqual(r.attached, [1, 1]);
  });

  test('lens titles are plain text, and running a lens shows the decoded certificate', (t) => {
    const r = needReadme(t);
    if (!r) return;
    assert.ok(r.lenses.length >= 2, JSON.stringify(r.lenses));
    for (const l of r.lenses) assert.ok(l.title && !l.title.includes('$('), `a lens with icon syntax: ${l.title}`);
    assert.ok(
      r.lenses.some((l) => l.title?.includes('EXPIRED 2023-03-11')),
      JSON.stringify(r.lenses),
    );
    assert.equal(r.shown.length, 1, JSON.stringify(r.shown));
    assert.match(r.shown[0].message, /Certificate:|Subject:/);
  });
});
