// kubecert-language-server: `--stdio` for any editor, `--node-ipc` for the VS Code client.
// With --stdio the protocol library routes console output to the client's log; the lint forbids console here anyway.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { fileHost } from './host';
import { startServer } from './lsp/connection';

startServer(createConnection(ProposedFeatures.all), { host: fileHost() });
