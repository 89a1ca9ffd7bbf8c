/**
 * The page that runs the SDK's browser parts in Chromium: the shared suites,
 * unchanged, on the browser adapters. Results go to window.__switchboardResults
 * for chromium.test.ts to read.
 */
import { getCiphersuiteFromName } from "ts-mls";
import { WEB_CIPHERSUITE, webCryptoProvider } from "../../../src/crypto/webCryptoProvider.js";
import { webSealWithEphemeral } from "../../../src/crypto/web/webHpke.js";
import { describeCryptoProviderContract } from "../../mls/cryptoProviderContract.js";
import "./indexedDb.js";
import "./locks.js";
import "./signer.js";
import "./transport.js";
import { runRegistered, type PageTestResult } from "./vitestShim.js";

declare global {
  var __switchboardResults: PageTestResult[] | undefined;
}

describeCryptoProviderContract("WebCrypto (in Chromium)", {
  impl: () => webCryptoProvider.getCiphersuiteImpl(getCiphersuiteFromName(WEB_CIPHERSUITE)),
  sealWithEphemeral: webSealWithEphemeral,
});

globalThis.__switchboardResults = await runRegistered();
