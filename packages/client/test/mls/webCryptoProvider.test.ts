/**
 * The WebCrypto provider in Node (whose WebCrypto has Ed25519 and X25519 too):
 * the same known-answer tests as the node:crypto provider, and MLS across the
 * two providers in one group. test/browser runs the same contract in Chromium.
 */
import { getCiphersuiteFromName } from "ts-mls";
import { describe, expect, it } from "vitest";
import { WEB_CIPHERSUITE, webCryptoProvider } from "../../src/crypto/webCryptoProvider.js";
import { webSealWithEphemeral } from "../../src/crypto/web/webHpke.js";
import { createTsMlsEngine } from "../../src/mls/index.js";
import { describeCryptoProviderContract } from "./cryptoProviderContract.js";
import { Device } from "./fixtures.js";

describeCryptoProviderContract("WebCrypto (in Node)", {
  impl: () => webCryptoProvider.getCiphersuiteImpl(getCiphersuiteFromName(WEB_CIPHERSUITE)),
  sealWithEphemeral: webSealWithEphemeral,
});

describe("WebCrypto provider <-> node:crypto provider", () => {
  it("one group across both: welcome, messages both ways, an update path and an external join", async () => {
    const web = await createTsMlsEngine({ crypto: webCryptoProvider });
    const node = await createTsMlsEngine({ crypto: "node" });
    const alice = new Device(web, "alice@messenger", "deviceA");
    const bob = new Device(node, "bob@whatsapp", "deviceB");
    alice.state = (await web.createGroup(alice.identity, new Uint8Array(16).fill(7))).state;
    const add = await web.createCommit(alice.identity, alice.state, {
      add: [await bob.publish()],
      removeDeviceIds: [],
    });
    alice.state = add.newState;
    await bob.join(add.welcome!);
    expect(await bob.receive(await alice.send("web -> node"))).toEqual({
      text: "web -> node",
      from: alice.name,
    });
    expect(await alice.receive(await bob.send("node -> web"))).toEqual({
      text: "node -> web",
      from: bob.name,
    });

    const update = await node.createCommit(bob.identity, bob.state, { add: [], removeDeviceIds: [] });
    bob.state = update.newState;
    await alice.applyCommit(update.commit);
    const carol = new Device(web, "carol@instagram", "deviceC");
    const join = await web.joinExternal(carol.identity, update.groupInfo);
    carol.state = join.newState;
    await alice.applyCommit(join.commit);
    await bob.applyCommit(join.commit);
    const last = await carol.send("joined");
    expect((await bob.receive(last)).text).toBe("joined");
    expect((await alice.receive(last)).text).toBe("joined");
  });
});
