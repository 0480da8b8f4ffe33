/**
 * PAC drivers: the public surface for the rest of the system. Pick a driver in main.ts
 * (`createSandboxPac()` for the demo, `createSwPac({...})` for SW sapien) and use it through
 * `PacDriver`; decide on retries with `PacError.retryable` / `.kind`.
 */
export { PacError, type PacErrorInit, type PacErrorKind } from './errors.ts';
export {
  createSandboxPac,
  memoryStampStore,
  type SandboxPacOptions,
  type SandboxStampStore,
} from './sandbox.ts';
export {
  SANDBOX_LEYENDA,
  SANDBOX_NO_CERTIFICADO_SAT,
  SANDBOX_RFC_PROV_CERTIF,
  sandboxCertificate,
  sandboxCredentials,
} from './sandbox-cert.ts';
export { SAT_STATUS_URL, SAT_STATUS_URL_TEST } from './sat-status.ts';
export { createSwPac, SW_PRODUCTION_URL, SW_TEST_URL, type SwPacOptions } from './sw.ts';
export { readTfd, type TfdAttributes, tfdCadenaOriginal, tfdCadenaOriginalFromXml } from './tfd.ts';
export type {
  CancelRequest,
  CancelResult,
  MotivoCancelacion,
  PacDriver,
  StampOptions,
  StampResult,
  StatusRequest,
  StatusResult,
} from './types.ts';
