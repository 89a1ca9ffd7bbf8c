/**
 * Builders of outgoing MIMI content, one per feature (SPEC CT3-CT8). Pure:
 * salt and nothing else is random, and it is injectable. Each returns the
 * content and its deterministic CBOR; the id follows from the bytes and the
 * sender (ids.ts), so the caller computes it once it knows who sends.
 */
import {
  Cardinality,
  Disposition,
  MIMI_LIMITS,
  encodeMimiContent,
  type Expiration,
  type MimiContent,
  type NestedPart,
} from "@switchboard/protocol";
import { SB_EXTENSION } from "./extensions.js";
import { fileBody, type FileAttachment } from "./filePart.js";
import { idBytes } from "./ids.js";

export interface BuildOptions {
  /** The conversation's disappearing-message timer, in seconds (null: off). */
  expiresAfterSeconds?: number | null;
  /** 16 random bytes unless given (tests pin it). */
  salt?: Uint8Array;
  /** Extensions that ride along (the sender's display name, SPEC PP2). */
  extensions?: ReadonlyMap<string, unknown>;
}

export interface BuiltContent {
  content: MimiContent;
  bytes: Uint8Array;
}

const utf8 = new TextEncoder();

function randomSalt(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(MIMI_LIMITS.saltBytes));
}

function textPart(text: string, disposition: number = Disposition.render): NestedPart {
  return {
    disposition,
    language: "",
    cardinality: Cardinality.single,
    contentType: "text/plain;charset=utf-8",
    content: utf8.encode(text),
  };
}

function nullPart(disposition: number): NestedPart {
  return { disposition, language: "", cardinality: Cardinality.nullPart };
}

function expiration(options: BuildOptions): Expiration | null {
  const seconds = options.expiresAfterSeconds;
  // Relative to when the hub accepted it (draft §4.1): every device agrees on the hub's time.
  return seconds === undefined || seconds === null ? null : { relative: true, time: seconds };
}

function build(
  fields: Partial<Pick<MimiContent, "replaces" | "inReplyTo" | "extensions">> & { body: NestedPart },
  options: BuildOptions,
): BuiltContent {
  const content: MimiContent = {
    salt: options.salt ?? randomSalt(),
    replaces: fields.replaces ?? null,
    topicId: new Uint8Array(0),
    expires: expiration(options),
    inReplyTo: fields.inReplyTo ?? null,
    extensions: new Map<number | string, unknown>([
      ...(fields.extensions ?? []),
      ...(options.extensions ?? []),
    ]),
    body: fields.body,
  };
  return { content, bytes: encodeMimiContent(content) };
}

/** [CT3] a text message. */
export function buildText(text: string, options: BuildOptions = {}): BuiltContent {
  return build({ body: textPart(text) }, options);
}

/** [CT4] a reply: a text whose `inReplyTo` is the original's id. */
export function buildReply(originalId: string, text: string, options: BuildOptions = {}): BuiltContent {
  return build({ inReplyTo: idBytes(originalId), body: textPart(text) }, options);
}

/**
 * [CT5] a reaction: disposition `reaction`, `inReplyTo` the target; reacting
 * again `replaces` this person's previous reaction; `emoji` null removes it
 * (a null part, still with disposition `reaction`, that replaces the previous one).
 */
export function buildReaction(
  targetId: string,
  emoji: string | null,
  previousReactionId: string | null,
  options: BuildOptions = {},
): BuiltContent {
  if (emoji === null && previousReactionId === null)
    throw new RangeError("removing a reaction needs the reaction it removes");
  return build(
    {
      inReplyTo: idBytes(targetId),
      replaces: previousReactionId === null ? null : idBytes(previousReactionId),
      body: emoji === null ? nullPart(Disposition.reaction) : textPart(emoji, Disposition.reaction),
    },
    options,
  );
}

/** [CT6] an edit: `replaces` the original's id (its first instance's, for every edit), the new body. */
export function buildEdit(originalId: string, text: string, options: BuildOptions = {}): BuiltContent {
  return build({ replaces: idBytes(originalId), body: textPart(text) }, options);
}

/** [CT7] delete for everyone: `replaces` the original, with a null part. */
export function buildDelete(originalId: string, options: BuildOptions = {}): BuiltContent {
  return build({ replaces: idBytes(originalId), body: nullPart(Disposition.render) }, options);
}

/** [CT8] the group's title, in our extension, with a null `profile` body. */
export function buildGroupTitle(title: string, options: BuildOptions = {}): BuiltContent {
  return build(
    { extensions: new Map([[SB_EXTENSION.title, title]]), body: nullPart(Disposition.profile) },
    { ...options, expiresAfterSeconds: null },
  );
}

/** [MD12] a file (an ExternalPart) with its caption, preview and details (content/filePart.ts). */
export function buildFile(file: FileAttachment, caption: string, options: BuildOptions = {}): BuiltContent {
  return build(fileBody(file, caption), options);
}
