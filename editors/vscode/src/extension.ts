// The Flow extension's client: starts `flowc lsp` (the path is the `flow.serverPath`
// setting) and connects it to VS Code. Everything the editor shows beyond highlighting
// (diagnostics, hover, completion, definition, symbols, formatting, quick fixes) comes
// from the server; this file only starts it, restarts it when its settings change, and
// shows the prelude, which the server names with a `flow-prelude:` URI when the file
// `runtime/prelude.flow` is not on disk.

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

/** The URI scheme of the prelude when it is served by `flowc` rather than read from disk. */
const PRELUDE_SCHEME = "flow-prelude";

let client: LanguageClient | undefined;

function serverOptions(): ServerOptions {
  const config = vscode.workspace.getConfiguration("flow");
  const command = config.get<string>("serverPath", "flowc") || "flowc";
  const args = config.get<string[]>("serverArgs", ["lsp"]);
  // No `transport`: the server speaks on stdio, and naming a transport would make the
  // client append `--stdio` to the arguments.
  return { command, args, options: { env: process.env } };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "flow" },
      { scheme: "untitled", language: "flow" },
    ],
    outputChannelName: "Flow Language Server",
  };
  client = new LanguageClient(
    "flow",
    "Flow Language Server",
    serverOptions(),
    clientOptions,
  );
  try {
    await client.start();
  } catch (err) {
    const path = vscode.workspace.getConfiguration("flow").get<string>("serverPath");
    const choice = await vscode.window.showErrorMessage(
      `Flow: cannot start the language server \`${path} lsp\` (${String(err)}). ` +
        "Install flowc or set `flow.serverPath`.",
      "Open Settings",
    );
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand(
        "workbench.action.openSettings",
        "flow.serverPath",
      );
    }
    return;
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  const old = client;
  client = undefined;
  if (old) {
    await old.stop().catch(() => undefined);
  }
  await start(context);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // The prelude as a read-only document, its text asked of the server.
  const prelude: vscode.TextDocumentContentProvider = {
    provideTextDocumentContent: async () => {
      if (!client) {
        return "// The Flow language server is not running.";
      }
      return client.sendRequest<string>("flow/prelude");
    },
  };
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(PRELUDE_SCHEME, prelude),
    vscode.commands.registerCommand("flow.restartServer", () => restart(context)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("flow.serverPath") || e.affectsConfiguration("flow.serverArgs")) {
        void restart(context);
      }
    }),
    // Documents with the prelude's scheme are Flow too, so they get highlighting.
    vscode.workspace.onDidOpenTextDocument((doc) => {
      if (doc.uri.scheme === PRELUDE_SCHEME && doc.languageId !== "flow") {
        void vscode.languages.setTextDocumentLanguage(doc, "flow");
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}
