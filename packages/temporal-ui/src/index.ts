/**
 * The official Temporal Web UI for any Temporal frontend: `startUiServer` builds the app if
 * needed (see `ensureUiBuild`) and serves it with the `/api/v1` gateway on one port.
 */
import type { Server } from 'node:http';
import type { Connection } from '@temporalio/client';
import { ensureUiBuild, type UiBuild } from './build';
import { closeServer, createUiServer, listen } from './server';
import type { UiSettingsOptions } from './settings';

export { ensureUiBuild, uiBuildHash, type UiBuild } from './build';
export { createGateway, type Gateway, type GatewayResponse } from './gateway/gateway';
export { closeServer, createUiServer, listen, type UiServer, type UiServerOptions } from './server';
export { uiSettings, UI_VERSION, type UiSettingsOptions } from './settings';

export interface StartUiServerOptions extends UiSettingsOptions {
  /** A client connection to the frontend; the caller owns it (it is not closed by `close`). */
  connection: Connection;
  /** Default 8233, like the Temporal CLI's dev server; 0 = any free port. */
  port?: number;
  /** Default 127.0.0.1: the UI has no authentication of its own. */
  host?: string;
  /** Build progress lines. */
  progress?: (line: string) => void;
}

export interface StartedUiServer {
  url: string;
  server: Server;
  build: UiBuild;
  setCodecEndpoint(endpoint: string | undefined): void;
  close(): Promise<void>;
}

export async function startUiServer(options: StartUiServerOptions): Promise<StartedUiServer> {
  const build = await ensureUiBuild({ progress: options.progress });
  const { server, setCodecEndpoint } = createUiServer({ ...options, staticDir: build.dir });
  const url = await listen(server, options.port ?? 8233, options.host ?? '127.0.0.1');
  return { url, server, build, setCodecEndpoint, close: () => closeServer(server) };
}

/** The UI page of one workflow execution (its latest run when `runId` is omitted). */
export function workflowPageUrl(uiUrl: string, namespace: string, workflowId: string, runId?: string): string {
  const base = `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}
