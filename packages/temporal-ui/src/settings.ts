/**
 * `GET /api/v1/settings`: the UI server's own answer (PascalCase keys, as the upstream UI server
 * writes them). `Version` must be at least 2.23.0 or the UI encodes path parameters twice.
 */
export interface UiSettingsOptions {
  defaultNamespace: string;
  /** The codec server the browser calls to show decoded payloads (e.g. `http://127.0.0.1:8888`). */
  codecEndpoint?: string;
  /** Forward the user's access token to the codec server (only with auth, which this server has not). */
  codecPassAccessToken?: boolean;
  /** Hide every write action (signal, cancel, terminate, reset, start). */
  readOnly?: boolean;
}

/** The @temporalio/ui version the app is built from. */
export const UI_VERSION = '2.38.0';

export function uiSettings(options: UiSettingsOptions): Record<string, unknown> {
  const readOnly = options.readOnly ?? false;
  return {
    Auth: { Enabled: false, Options: null },
    BannerText: '',
    DefaultNamespace: options.defaultNamespace,
    ShowTemporalSystemNamespace: false,
    FeedbackURL: '',
    NotifyOnNewVersion: false,
    Codec: {
      Endpoint: options.codecEndpoint ?? '',
      PassAccessToken: options.codecPassAccessToken ?? false,
      IncludeCredentials: false,
    },
    Version: UI_VERSION,
    DisableWriteActions: readOnly,
    WorkflowTerminateDisabled: readOnly,
    WorkflowCancelDisabled: readOnly,
    WorkflowSignalDisabled: readOnly,
    WorkflowUpdateDisabled: readOnly,
    WorkflowResetDisabled: readOnly,
    BatchActionsDisabled: readOnly,
    StartWorkflowDisabled: readOnly,
    HideWorkflowQueryErrors: false,
    RefreshWorkflowCountsDisabled: false,
  };
}
