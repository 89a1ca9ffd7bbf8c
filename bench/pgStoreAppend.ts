/**
 * The PostgreSQL Store's append path alone: `--callers` callers, each
 * making `--each` appends to its own conversation with `--window` of them in
 * flight (1: each awaits the last, as postgres/README.md describes; 32
 * callers with a window of 64 is the shape of the hub bench's direct load);
 * prints messages/s, this process's CPU and the batches the append queue formed.
 * Needs PostgreSQL (SWITCHBOARD_TEST_POSTGRES_URL, default the test server);
 * works in a fresh schema it drops afterwards.
 *
 *   node --import tsx bench/pgStoreAppend.ts [--callers=50] [--each=400] [--window=1] [--payload=334]
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openPostgresStore } from "../packages/server/src/store/postgres/index.js";

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k!, Number(v)] as const;
  }),
);
const CALLERS = args.get("callers") ?? 50;
const EACH = args.get("each") ?? 400;
const PAYLOAD = args.get("payload") ?? 334;
const WINDOW = args.get("window") ?? 1;
const URL = process.env["SWITCHBOARD_TEST_POSTGRES_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `sb_bench_${randomBytes(6).toString("hex")}`;

const store = await openPostgresStore({ url: URL, schema, poolSize: 10 });
try {
  const senders: { id: string; device: string; address: string }[] = [];
  for (let c = 0; c < CALLERS; c++) {
    const address = `a${c}@bench`;
    const device = `dev-${c}`;
    await store.createAccount(
      { address, app: "bench", displayName: address, createdAt: 0 },
      { id: device, signatureKey: new Uint8Array(32), createdAt: 0 },
    );
    const id = `conv-${c.toString().padStart(4, "0")}`;
    const created = await store.createConversation({
      id,
      kind: "group",
      createdAt: 0,
      creatorAddress: address,
      creatorDeviceId: device,
      groupInfo: new Uint8Array(100),
    });
    if (created.kind !== "created") throw new Error(created.kind);
    senders.push({ id, device, address });
  }
  const payload = new Uint8Array(PAYLOAD);
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    senders.flatMap((s) => {
      let next = 0;
      return Array.from({ length: WINDOW }, async () => {
        while (next < EACH) {
          const i = next++;
          const result = await store.appendMessage({
            conversationId: s.id,
            senderDeviceId: s.device,
            senderAddress: s.address,
            clientMessageId: `m${i}`,
            payload,
            epoch: 0,
            serverTime: 1,
          });
          if (result.kind !== "appended") throw new Error(result.kind);
        }
      });
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const total = CALLERS * EACH;
  console.log(
    `${total} appends, ${CALLERS} callers: ${Math.round(total / seconds).toLocaleString("en")} msg/s, ${((used.user + used.system) / 1e6 / seconds).toFixed(2)} cores here, ${JSON.stringify(store.stats())}`,
  );
} finally {
  await store.close();
  const admin = new pg.Client({ connectionString: URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
}
