/**
 * The IETF MIMI content format (draft-ietf-mimi-content-08): what travels
 * inside an MLS application message. The hub never sees it. These are the
 * typed values; codec.ts turns them into deterministic CBOR and back.
 */

/** draft §4.2 baseDispos; unknown values (9..255) are kept and treated as render. */
export const Disposition = {
  unspecified: 0,
  render: 1,
  reaction: 2,
  profile: 3,
  inline: 4,
  icon: 5,
  attachment: 6,
  session: 7,
  preview: 8,
} as const;

export const Cardinality = { nullPart: 0, single: 1, external: 2, multi: 3 } as const;

export const PartSemantics = { chooseOne: 0, singleUnit: 1, processAll: 2 } as const;

/** ExternalPart.encAlg: AES-128-GCM, the draft's mandatory algorithm (IANA AEAD registry id 1). */
export const ENC_ALG_AES_128_GCM = 1;
/** ExternalPart.hashAlg and a MessageId's first octet: SHA-256 (IANA named-information registry id 1). */
export const HASH_ALG_SHA_256 = 1;

/** The extension keys the draft defines (§4.1). */
export const Extension = { senderUri: 1, roomUri: 2 } as const;

interface PartHeader {
  disposition: number;
  /** A BCP 47 language tag, or "". */
  language: string;
}

export interface NullPart extends PartHeader {
  cardinality: typeof Cardinality.nullPart;
}

export interface SinglePart extends PartHeader {
  cardinality: typeof Cardinality.single;
  contentType: string;
  content: Uint8Array;
}

/** Content stored elsewhere (an attachment), encrypted with a key only the members hold. */
export interface ExternalPart extends PartHeader {
  cardinality: typeof Cardinality.external;
  contentType: string;
  url: string;
  /** Seconds since the epoch after which the URL is gone; 0 for unknown. */
  expires: number;
  size: number;
  encAlg: number;
  key: Uint8Array;
  nonce: Uint8Array;
  aad: Uint8Array;
  hashAlg: number;
  contentHash: Uint8Array;
  description: string;
  filename: string;
}

export interface MultiPart extends PartHeader {
  cardinality: typeof Cardinality.multi;
  partSemantics: number;
  parts: NestedPart[];
}

export type NestedPart = NullPart | SinglePart | ExternalPart | MultiPart;

export interface Expiration {
  /** true: `time` seconds after the hub accepted the message; false: seconds since the epoch. */
  relative: boolean;
  time: number;
}

/** An extension value: any CBOR the draft's data model allows (kept as decoded, re-encoded as is). */
export type ExtensionValue = unknown;

export interface MimiContent {
  /** 16 random bytes: two messages with equal content still get different ids. */
  salt: Uint8Array;
  /** The message this one edits, deletes, or whose reaction it changes (its first instance's id). */
  replaces: Uint8Array | null;
  topicId: Uint8Array;
  expires: Expiration | null;
  inReplyTo: Uint8Array | null;
  /** Integer or text keys; unknown ones are kept, never dropped. */
  extensions: Map<number | string, ExtensionValue>;
  body: NestedPart;
}

export const MIMI_LIMITS = {
  saltBytes: 16,
  messageIdBytes: 32,
  /** §9.1: a longer topicId is most likely malicious. */
  maxTopicIdBytes: 4096,
  /** §8.3: NestedParts at most 4 levels deep; extension values likewise. */
  maxDepth: 4,
  /** §9.1: more body parts than this is most likely malicious. */
  maxParts: 1024,
  /** §8.2: text keys of the extensions map. */
  maxExtensionKeyBytes: 255,
} as const;
