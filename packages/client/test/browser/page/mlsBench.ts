/**
 * Page side of mlsBench.ts: the same MLS work on the WebCrypto provider and on
 * ts-mls's default one, in Chromium. Not a test: figures for the README.
 */
import { defaultCryptoProvider, type CryptoProvider } from "ts-mls";
import { webCryptoProvider } from "../../../src/crypto/webCryptoProvider.js";
import { webEd25519 } from "../../../src/crypto/web/webEd25519.js";
import type {
  DeviceIdentity,
  GeneratedKeyPackage,
  GroupEngine,
  GroupState,
} from "../../../src/mls/engine.js";
import { createTsMlsEngineOn } from "../../../src/mls/tsMlsEngine.js";

const MEMBERS = 10;
const MESSAGES = 1000;
const UPDATES = 30;

async function identity(name: string, i: number): Promise<DeviceIdentity> {
  const { signKey, publicKey } = await webEd25519.keygen();
  return {
    address: `${name}@instagram`,
    deviceId: `device${String(i).padStart(20, "0")}`,
    signaturePublicKey: publicKey,
    signaturePrivateKey: signKey,
  };
}

async function run(provider: CryptoProvider): Promise<Record<string, number>> {
  const engine: GroupEngine = await createTsMlsEngineOn(provider);
  const alice = await identity("alice", 0);
  const others = await Promise.all(Array.from({ length: MEMBERS - 1 }, (_, i) => identity(`m${i}`, i + 1)));
  const packages = new Map<string, GeneratedKeyPackage>();
  const published: Uint8Array[] = [];
  for (const o of others) {
    const kp = await engine.generateKeyPackage(o);
    packages.set(kp.ref, kp);
    published.push(kp.publicMessage);
  }
  let t = performance.now();
  let aliceState: GroupState = (await engine.createGroup(alice, new Uint8Array(16).fill(1))).state;
  const add = await engine.createCommit(alice, aliceState, { add: published, removeDeviceIds: [] });
  aliceState = add.newState;
  const addMs = performance.now() - t;
  t = performance.now();
  let bobState = (await engine.joinFromWelcome(others[0]!, add.welcome!, async (ref) => packages.get(ref)))
    .state;
  const joinMs = performance.now() - t;

  const payload = new Uint8Array(1024).fill(0x61);
  t = performance.now();
  for (let i = 0; i < MESSAGES; i++) {
    const sent = await engine.encrypt(alice, aliceState, payload);
    aliceState = sent.newState;
    const got = await engine.process(others[0]!, bobState, sent.message);
    bobState = got.newState;
  }
  const messagesPerSecond = MESSAGES / ((performance.now() - t) / 1000);

  t = performance.now();
  for (let i = 0; i < UPDATES; i++) {
    const update = await engine.createCommit(alice, aliceState, { add: [], removeDeviceIds: [] });
    aliceState = update.newState;
    bobState = (await engine.process(others[0]!, bobState, update.commit)).newState;
  }
  const updateMs = (performance.now() - t) / UPDATES;
  return { addMs, joinMs, messagesPerSecond, updateMs };
}

declare global {
  var __benchResults: unknown;
}

// A first round of each warms the JIT up (ts-mls's code is shared); the second round is reported.
await run(webCryptoProvider);
await run(defaultCryptoProvider);
globalThis.__benchResults = {
  webcrypto: await run(webCryptoProvider),
  tsMlsDefault: await run(defaultCryptoProvider),
};
