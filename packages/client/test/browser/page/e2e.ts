/**
 * The page side of e2e.test.ts: openBrowserClient driven from Node through
 * window.sb (page.evaluate), one client per profile.
 */
import {
  ClientError,
  openBrowserClient,
  openIndexedDbLocalStore,
  profileDatabaseName,
  type StoredIdentity,
  type SwitchboardClient,
} from "../../../src/browser.js";
import { signingKeyOf } from "../../../src/identity/signer.js";

const clients = new Map<string, SwitchboardClient>();
const received = new Map<string, string[]>();
const lost = new Map<string, string>();

function client(profile: string): SwitchboardClient {
  const found = clients.get(profile);
  if (found === undefined) throw new Error(`profile ${profile} is not open`);
  return found;
}

const api = {
  /** Opens the profile; the error code when it cannot (PROFILE_IN_USE). Returns the stored address, if any. */
  async open(profile: string, takeOver = false): Promise<{ address?: string; error?: string }> {
    try {
      const c = await openBrowserClient({
        profile,
        takeOver,
        onTakenOver: (error) => lost.set(profile, error.code),
      });
      clients.set(profile, c);
      received.set(profile, []);
      c.events.on("message", (m) => {
        if (!m.outgoing) received.get(profile)!.push(m.text);
      });
      const identity = await c.open();
      return identity === undefined ? {} : { address: identity.address };
    } catch (err) {
      return { error: err instanceof ClientError ? err.code : String(err) };
    }
  },
  async register(profile: string, server: string, address: string): Promise<void> {
    await client(profile).register(server, address, address);
  },
  async connect(profile: string): Promise<void> {
    await client(profile).connect();
  },
  async send(profile: string, to: string, text: string): Promise<string> {
    return (await client(profile).sendText(to, text)).conversationId;
  },
  received: (profile: string): string[] => received.get(profile) ?? [],
  async history(profile: string): Promise<string[]> {
    const c = client(profile);
    const out: string[] = [];
    for (const conversation of await c.conversations())
      for (const message of await c.messages(conversation.id)) out.push(message.text);
    return out;
  },
  lost: (profile: string): string | undefined => lost.get(profile),
  /** What the running client holds as its signing key, against the seed the store keeps (sealed). */
  async signingKeyInMemory(profile: string): Promise<{ protectedKey: boolean; isTheSeed: boolean }> {
    // A test reaching into the client: the identity it carries is private state.
    const inMemory = (client(profile) as unknown as { identity: StoredIdentity }).identity
      .signaturePrivateKey;
    const store = await openIndexedDbLocalStore(profileDatabaseName(profile));
    const seed = (await store.getIdentity())!.signaturePrivateKey;
    await store.close();
    const key = signingKeyOf(inMemory);
    return {
      protectedKey: key !== undefined && !key.extractable,
      isTheSeed: inMemory.length === seed.length && inMemory.every((b, i) => b === seed[i]),
    };
  },
};

declare global {
  var sb: typeof api | undefined;
}
globalThis.sb = api;
