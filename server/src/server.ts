// kubecert-language-server: `--stdio` for any editor, `--node-ipc` for the VS Code client.
// With --stdio the protocol library routes console output to the client's log; the lint forbids console here anyway.
import { runWithFlags } from './relaunch';

// Loaded only where the server runs: a process that relaunches itself with the heap flags need not read the bundle.
runWithFlags(() => {
  void Promise.all([import('vscode-languageserver/node'), import('./host'), import('./lsp/connection')]).then(([lsp, host, connection]) =>
    connection.startServer(lsp.createConnection(lsp.ProposedFeatures.all), { host: host.fileHost() }),
  );
});
