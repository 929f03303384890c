// The server's open documents (OpenDocument, over positions.ts's LineIndex) read and edit like the library's
// TextDocument: the same text, offsets and positions after thousands of seeded edits, CRLF and CR included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { OpenDocument } from '../../server/src/lsp/document';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    s ^= s >>> 12;
    return (s >>> 0) / 2 ** 32;
  };
}

const PIECES = ['a', 'namespace: x', '\n', '\r\n', '\r', '', 'é', '😀', '  - name: c\n', '---\n', 'zz'];

test('OpenDocument matches TextDocument on 3,000 seeded edits (text, offsetAt, positionAt, lineCount, getText(range))', () => {
  const random = rng(16);
  const int = (n: number) => Math.floor(random() * n);
  let checks = 0;
  for (let round = 0; round < 30; round++) {
    const start = Array.from({ length: 1 + int(40) }, () => PIECES[int(PIECES.length)]).join('');
    let ours = OpenDocument.create('file:///d.yaml', 'yaml', 1, start);
    let theirs = TextDocument.create('file:///d.yaml', 'yaml', 1, start);
    for (let i = 0; i < 100; i++) {
      const lines = theirs.lineCount;
      const pos = () => ({ line: int(lines + 1), character: int(12) });
      const [a, b] = [pos(), pos()].sort((x, y) => x.line - y.line || x.character - y.character);
      const change = random() < 0.05 ? { text: PIECES[int(PIECES.length)].repeat(int(5)) } : { range: { start: a, end: b }, text: PIECES[int(PIECES.length)] };
      ours = OpenDocument.update(ours, [change], i + 2);
      theirs = TextDocument.update(theirs, [change], i + 2);
      assert.equal(ours.getText(), theirs.getText());
      assert.equal(ours.version, theirs.version);
      // TextDocument's own line offsets after an edit that joins a \r and a \n (or splits them) are not those of its text read
      // afresh: held to a fresh one.
      theirs = TextDocument.create(theirs.uri, 'yaml', theirs.version, theirs.getText());
      assert.equal(ours.lineCount, theirs.lineCount);
      const p = pos();
      assert.equal(ours.offsetAt(p), theirs.offsetAt(p), `offsetAt ${JSON.stringify(p)} of ${JSON.stringify(theirs.getText())}`);
      const o = int(theirs.getText().length + 2);
      // TextDocument puts an offset between \r and \n on the line the \r ends; positions.ts never gets one.
      const text = theirs.getText();
      if (!(text[o - 1] === '\r' && text[o] === '\n')) assert.deepEqual(ours.positionAt(o), theirs.positionAt(o), `positionAt ${o}`);
      assert.equal(ours.getText({ start: a, end: b }), theirs.getText({ start: a, end: b }));
      checks++;
    }
  }
  assert.equal(checks, 3000);
});
