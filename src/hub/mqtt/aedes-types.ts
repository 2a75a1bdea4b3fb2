/**
 * The aedes hook types, which its typings declare but do not export.
 */
import type { AedesOptions } from "aedes";

export type { AuthenticateError } from "aedes";
export type PreConnectHandler = NonNullable<AedesOptions["preConnect"]>;
export type AuthenticateHandler = NonNullable<AedesOptions["authenticate"]>;
export type AuthorizeSubscribeHandler = NonNullable<AedesOptions["authorizeSubscribe"]>;
export type AuthorizePublishHandler = NonNullable<AedesOptions["authorizePublish"]>;
