// kubecert-language-server: `--stdio` for any editor, `--node-ipc` for the VS Code client.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { fileHost } from './host';
import { startServer } from './lsp/connection';

const connection = createConnection(ProposedFeatures.all);
// stdout is the protocol channel: route stray console output to the client's log instead.
console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));
startServer(connection, { host: fileHost() });
