/**
 * Content benchmark: decrypt + decode throughput of MIMI content (what the SDK
 * sends now, SPEC CT1-CT3) against the protobuf Content it sent before, in one
 * run, on one machine, through the same MLS group.
 *
 *   node --import tsx bench/contentDecode.ts [--messages=N] [--rounds=R] [--json]
 *
 * A two-device group is built once. For each format, N text messages (a
 * realistic 60-character chat line) are encrypted by the sender; the receiver
 * then decrypts them in order from a fresh copy of its state and turns each
 * plaintext into the SDK's domain event (content/interpret.ts: CBOR decode,
 * deterministic re-encoding check, message-id hash; or the protobuf decode).
 * The formats alternate over R rounds; the median round is reported. Decode
 * alone (no MLS) is measured the same way, to show the codec's own share.
 */
import { buildText } from "../packages/client/src/content/build.js";
import { interpretContent } from "../packages/client/src/content/interpret.js";
import { legacyTextContent } from "../packages/client/src/conversations/content.js";
import { createTsMlsEngine } from "../packages/client/src/mls/index.js";
import type { GroupEngine, GroupState } from "../packages/client/src/mls/index.js";
import { identity } from "./lib/mlsGroupFixture.js";

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const MESSAGES = arg("messages", 2000);
const ROUNDS = arg("rounds", 5);
const TEXT = "See you at the station at 9, bring the tickets and a jacket!";
const CONVERSATION = "0123456789abcdef0123456789abcdef";

type Format = "mimi" | "protobuf";

function plaintexts(format: Format): Uint8Array[] {
  return Array.from({ length: MESSAGES }, (_, i) =>
    format === "mimi" ? buildText(TEXT).bytes : legacyTextContent(`id${i}`, TEXT, 1_800_000_000_000 + i),
  );
}

function decode(plaintext: Uint8Array, sender: string): void {
  const result = interpretContent(plaintext, {
    senderAddress: sender,
    conversationId: CONVERSATION,
    serverTime: 1,
  });
  if (!result.ok || result.event.kind !== "message")
    throw new Error("the benchmark's content did not decode");
}

async function main(): Promise<void> {
  const engine: GroupEngine = await createTsMlsEngine({ crypto: "node" });
  const sender = identity(0);
  const receiver = identity(1);
  const created = await engine.createGroup(sender, crypto.getRandomValues(new Uint8Array(16)));
  const receiverPackage = await engine.generateKeyPackage(receiver);
  const add = await engine.createCommit(sender, created.state, {
    add: [receiverPackage.publicMessage],
    removeDeviceIds: [],
  });
  const joined = await engine.joinFromWelcome(receiver, add.welcome!, async () => receiverPackage);
  let senderState: GroupState = add.newState;
  const receiverStart = engine.serialize(joined.state);

  // One ciphertext stream holding both formats, so that each is decrypted from the same ratchet.
  const streams: Record<Format, { plain: Uint8Array[]; cipher: Uint8Array[]; from: Uint8Array }> = {
    mimi: { plain: plaintexts("mimi"), cipher: [], from: receiverStart },
    protobuf: { plain: plaintexts("protobuf"), cipher: [], from: receiverStart },
  };
  let receiverState = engine.deserialize(receiverStart.slice());
  for (const format of ["mimi", "protobuf"] as const) {
    streams[format].from = engine.serialize(receiverState).slice();
    for (const plaintext of streams[format].plain) {
      const out = await engine.encrypt(sender, senderState, plaintext);
      senderState = out.newState;
      streams[format].cipher.push(out.message);
    }
    // Move the receiver past this format's messages, so the next stream starts where it ends.
    for (const message of streams[format].cipher)
      receiverState = (await engine.process(receiver, receiverState, message)).newState;
  }

  const rounds: Record<Format, { decryptDecode: number[]; decodeOnly: number[] }> = {
    mimi: { decryptDecode: [], decodeOnly: [] },
    protobuf: { decryptDecode: [], decodeOnly: [] },
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const format of round % 2 === 0
      ? (["mimi", "protobuf"] as const)
      : (["protobuf", "mimi"] as const)) {
      const stream = streams[format];
      let state = engine.deserialize(stream.from.slice()); // the engine zeroes used secrets in place
      let t0 = performance.now();
      for (const message of stream.cipher) {
        const result = await engine.process(receiver, state, message);
        if (result.kind !== "application") throw new Error("expected an application message");
        state = result.newState;
        decode(result.plaintext, sender.address);
      }
      rounds[format].decryptDecode.push(MESSAGES / ((performance.now() - t0) / 1000));
      t0 = performance.now();
      for (const plaintext of stream.plain) decode(plaintext, sender.address);
      rounds[format].decodeOnly.push(MESSAGES / ((performance.now() - t0) / 1000));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const size = (format: Format) => streams[format].plain.reduce((n, p) => n + p.length, 0) / MESSAGES;
  const figures = (["mimi", "protobuf"] as const).map((format) => ({
    format,
    plaintextBytes: Math.round(size(format)),
    decryptDecodePerSec: Math.round(median(rounds[format].decryptDecode)),
    decodeOnlyPerSec: Math.round(median(rounds[format].decodeOnly)),
  }));
  console.log(`content decode: ${MESSAGES} messages x ${ROUNDS} rounds, median round`);
  console.log("format     plaintext B   decrypt+decode msg/s   decode-only msg/s");
  for (const f of figures)
    console.log(
      `${f.format.padEnd(10)} ${String(f.plaintextBytes).padStart(11)}   ${String(f.decryptDecodePerSec).padStart(20)}   ${String(f.decodeOnlyPerSec).padStart(17)}`,
    );
  if (process.argv.includes("--json")) console.log(`BENCH_JSON ${JSON.stringify(figures)}`);
}

await main();
