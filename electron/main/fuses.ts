// The Electron fuses a packaged QNN Lab flips: features baked into the binary that code signing then protects, so a
// local attacker cannot turn the signed app into a general-purpose runtime. Declared as data until QNN Lab has a
// packaging step, which applies them with @electron/fuses:
//   flipFuses(binary, { version: FuseVersion.V1, ...Object.fromEntries(Object.entries(FUSES).map(([k, v]) => [FuseV1Options[k], v])) })
// The keys are FuseV1Options' names. Fuses not listed keep Electron's default (GrantFileProtocolExtraPrivileges stays
// on: the app loads its renderer from file://).
export const FUSES = {
  /** ELECTRON_RUN_AS_NODE would run the app as plain Node (workers use utilityProcess, not child_process.fork). */
  RunAsNode: false,
  /** Chromium's on-disk cookie store encrypted with the OS keychain. */
  EnableCookieEncryption: true,
  /** NODE_OPTIONS could preload code into the main process. */
  EnableNodeOptionsEnvironmentVariable: false,
  /** --inspect and friends would open a debugger on the main process. */
  EnableNodeCliInspectArguments: false,
  /** The app.asar archive is checked against the hash recorded at packaging. */
  EnableEmbeddedAsarIntegrityValidation: true,
  /** Load the app only from app.asar (whose integrity is validated), never from a loose folder beside it. */
  OnlyLoadAppFromAsar: true,
} as const satisfies Record<string, boolean>;
