// Entry point loaded inside the real extension host: runs the mocha suite and resolves or rejects.
import Mocha from 'mocha';
import { join } from 'node:path';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec' });
  mocha.addFile(join(__dirname, 'extension.e2e.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
  });
}
