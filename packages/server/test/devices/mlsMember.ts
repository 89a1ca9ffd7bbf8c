/**
 * A device's MLS side for hub tests, on ts-mls directly (the SDK's engine is
 * not the hub's concern): key packages with the device's own Ed25519 key, a
 * group naming the hub as external sender, commits as PublicMessages with the
 * ratchet tree in their GroupInfo, and processing of what the hub pushes.
 */
import {
  acceptAll,
  createApplicationMessage,
  createCommit,
  createGroup,
  createGroupInfoWithExternalPubAndRatchetTree,
  createProposal,
  decodeMlsMessage,
  defaultCapabilities,
  defaultCryptoProvider,
  encodeExternalSender,
  encodeMlsMessage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  joinGroupExternal,
  makePskIndex,
  processMessage,
  type CiphersuiteImpl,
  type ClientState,
  type Extension,
  type KeyPackage,
  type PrivateKeyPackage,
  type Proposal,
} from "ts-mls";
import { generateKeyPackageWithKey } from "ts-mls";
import {
  GROUP_SETTINGS_EXTENSION_TYPE,
  HUB_CREDENTIAL_IDENTITY,
  encodeCredentialIdentity,
} from "@switchboard/protocol";

let suite: Promise<CiphersuiteImpl> | undefined;
function ciphersuite(): Promise<CiphersuiteImpl> {
  suite ??= getCiphersuiteImpl(
    getCiphersuiteFromName("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519"),
    defaultCryptoProvider,
  );
  return suite;
}

/** The GroupContext extension naming `key` as external sender, as the SDK writes it. */
export function externalSenderExtension(key: Uint8Array, identity = HUB_CREDENTIAL_IDENTITY): Extension {
  return {
    extensionType: "external_senders",
    extensionData: encodeExternalSender({
      signaturePublicKey: key,
      credential: { credentialType: "basic", identity: new TextEncoder().encode(identity) },
    }),
  };
}

export interface MadeCommit {
  commit: Uint8Array;
  welcome: Uint8Array;
  groupInfo: Uint8Array;
  epoch: bigint;
  newState: ClientState;
}

export class MlsMember {
  state!: ClientState;
  private readonly packages: { publicPackage: KeyPackage; privatePackage: PrivateKeyPackage }[] = [];

  constructor(
    readonly address: string,
    readonly deviceId: string,
    private readonly keys: { publicKey: Uint8Array; privateKey: Uint8Array },
  ) {}

  private async newPackage() {
    const now = BigInt(Math.floor(Date.now() / 1000));
    // As the SDK's: able to join groups with settings (SPEC GR1).
    const capabilities = defaultCapabilities();
    capabilities.extensions = [...capabilities.extensions, GROUP_SETTINGS_EXTENSION_TYPE];
    return generateKeyPackageWithKey(
      { credentialType: "basic", identity: encodeCredentialIdentity(this) },
      capabilities,
      { notBefore: now - 3600n, notAfter: now + 86_400n },
      [],
      { signKey: this.keys.privateKey, publicKey: this.keys.publicKey },
      await ciphersuite(),
    );
  }

  /** A KeyPackage (TLS-encoded MLSMessage) this member can later join with. */
  async keyPackage(): Promise<Uint8Array> {
    const made = await this.newPackage();
    this.packages.push(made);
    return encodeMlsMessage({
      wireformat: "mls_key_package",
      version: "mls10",
      keyPackage: made.publicPackage,
    });
  }

  /** A new group; its epoch-0 GroupInfo. */
  async createGroup(groupId: Uint8Array, extensions: Extension[]): Promise<Uint8Array> {
    const cs = await ciphersuite();
    const { publicPackage, privatePackage } = await this.newPackage();
    this.state = await createGroup(groupId, publicPackage, privatePackage, extensions, cs);
    return this.groupInfo(this.state);
  }

  /**
   * A commit adding these key packages, with `more` proposals by value and
   * every pending proposal by reference (as ts-mls does); adopt it with `adopt`.
   */
  async commit(add: Uint8Array[] = [], more: Proposal[] = []): Promise<MadeCommit> {
    const cs = await ciphersuite();
    const epoch = this.state.groupContext.epoch;
    const adds = add.map(
      (bytes): Proposal => ({ proposalType: "add", add: { keyPackage: keyPackageOf(bytes) } }),
    );
    const result = await createCommit(
      { state: this.state, cipherSuite: cs, pskIndex: makePskIndex(this.state, {}) },
      { wireAsPublicMessage: true, ratchetTreeExtension: true, extraProposals: [...adds, ...more] },
    );
    return {
      commit: encodeMlsMessage(result.commit),
      welcome: result.welcome
        ? encodeMlsMessage({ wireformat: "mls_welcome", version: "mls10", welcome: result.welcome })
        : new Uint8Array(),
      groupInfo: await this.groupInfo(result.newState),
      epoch,
      newState: result.newState,
    };
  }

  /**
   * An external commit joining the group of `groupInfo` (RFC 9420 §12.4.3.2)
   * as this member, with `signingKeys` for its leaf (its own unless forging).
   */
  async joinExternal(
    groupInfo: Uint8Array,
    signingKeys: { publicKey: Uint8Array; privateKey: Uint8Array } = this.keys,
  ): Promise<{ commit: Uint8Array; groupInfo: Uint8Array; epoch: bigint }> {
    const cs = await ciphersuite();
    const message = decodeMlsMessage(groupInfo, 0)![0];
    if (message.wireformat !== "mls_group_info") throw new Error("not a GroupInfo");
    const now = BigInt(Math.floor(Date.now() / 1000));
    const { publicPackage, privatePackage } = await generateKeyPackageWithKey(
      { credentialType: "basic", identity: encodeCredentialIdentity(this) },
      defaultCapabilities(),
      { notBefore: now - 3600n, notAfter: now + 86_400n },
      [],
      { signKey: signingKeys.privateKey, publicKey: signingKeys.publicKey },
      cs,
    );
    const joined = await joinGroupExternal(message.groupInfo, publicPackage, privatePackage, false, cs);
    this.state = joined.newState;
    return {
      commit: encodeMlsMessage({
        wireformat: "mls_public_message",
        version: "mls10",
        publicMessage: joined.publicMessage,
      }),
      groupInfo: await this.groupInfo(joined.newState),
      epoch: message.groupInfo.groupContext.epoch,
    };
  }

  adopt(commit: MadeCommit): void {
    this.state = commit.newState;
  }

  async join(welcome: Uint8Array): Promise<void> {
    const cs = await ciphersuite();
    const message = decodeMlsMessage(welcome, 0)![0];
    if (message.wireformat !== "mls_welcome") throw new Error("not a Welcome");
    const made = this.packages.shift()!;
    this.state = await joinGroup(
      message.welcome,
      made.publicPackage,
      made.privatePackage,
      makePskIndex(undefined, {}),
      cs,
    );
  }

  /** Apply a proposal (kept pending) or a commit from the log. */
  async process(bytes: Uint8Array): Promise<void> {
    const cs = await ciphersuite();
    const message = decodeMlsMessage(bytes, 0)![0];
    if (message.wireformat !== "mls_public_message" && message.wireformat !== "mls_private_message")
      throw new Error(`cannot process ${message.wireformat}`);
    const result = await processMessage(message, this.state, makePskIndex(this.state, {}), acceptAll, cs);
    this.state = result.newState;
  }

  async encrypt(text: string): Promise<Uint8Array> {
    const cs = await ciphersuite();
    const result = await createApplicationMessage(this.state, new TextEncoder().encode(text), cs);
    this.state = result.newState;
    return encodeMlsMessage({
      wireformat: "mls_private_message",
      version: "mls10",
      privateMessage: result.privateMessage,
    });
  }

  /** A proposal of this member's own, kept pending so the next commit carries it by reference. */
  async proposeOwn(proposal: Proposal): Promise<void> {
    const made = await createProposal(this.state, true, proposal, await ciphersuite());
    this.state = made.newState;
  }

  get pendingProposals(): number {
    return Object.keys(this.state.unappliedProposals).length;
  }

  /** The GroupInfo (with external_pub and ratchet_tree) of a state, as commits carry it. */
  async groupInfo(state: ClientState): Promise<Uint8Array> {
    const info = await createGroupInfoWithExternalPubAndRatchetTree(state, [], await ciphersuite());
    return encodeMlsMessage({ wireformat: "mls_group_info", version: "mls10", groupInfo: info });
  }
}

function keyPackageOf(bytes: Uint8Array): KeyPackage {
  const message = decodeMlsMessage(bytes, 0)![0];
  if (message.wireformat !== "mls_key_package") throw new Error("not a KeyPackage");
  return message.keyPackage;
}
