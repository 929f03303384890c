// The language client library, bundled on its own (dist/languageClient.js, three quarters of the
// extension's code): extension.js loads it when the first kubeconfig or manifest needs the server, so
// activation never pays for parsing it.
export { LanguageClient, TransportKind } from 'vscode-languageclient/node';
