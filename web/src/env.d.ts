/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** VITE_DEFAULT_EDITION is the edition the console opens on, e.g. "2025". */
  readonly VITE_DEFAULT_EDITION?: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}
