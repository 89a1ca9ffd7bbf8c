/**
 * The Store contract against the real PostgreSQL, plus what only a shared
 * database has: several nodes (stores with their own pools) on the same
 * data, migrations racing at start, and connections dying under the store.
 *
 * Each test gets a fresh schema, dropped afterwards. Set
 * SWITCHBOARD_TEST_POSTGRES_URL to use another server than the local one.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { AppendResult, Store } from "../../src/store/port.js";
import {
  SCHEMA_VERSION,
  StoreUnavailableError,
  migratePostgres,
  openPostgresStore,
  type PostgresStore,
  type PostgresStoreOptions,
} from "../../src/store/postgres/index.js";
import { migrate } from "../../src/store/postgres/schema.js";
import { serviceAvailable } from "../support/services.js";
import { describeStoreContract } from "./contract.js";
import {
  commitOf,
  entryOf,
  hex,
  message,
  newAccount,
  newGroup,
  utf8,
  type TestAccount,
} from "./contract/fixtures.js";

const POSTGRES_URL =
  process.env["SWITCHBOARD_TEST_POSTGRES_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const HOW_TO_START = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start";

const available = await serviceAvailable(
  `PostgreSQL at ${POSTGRES_URL}`,
  async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.query("SELECT 1");
    } finally {
      await client.end().catch(() => {});
    }
  },
  HOW_TO_START,
);

/** Creates and drops test schemas, and kills the stores' connections when a test asks. */
let adminPool: pg.Pool | undefined;
function admin(): pg.Pool {
  if (adminPool === undefined) {
    adminPool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
    adminPool.on("error", () => {});
  }
  return adminPool;
}
afterAll(async () => {
  await adminPool?.end();
});

/** A schema name no other test (or test run) uses. */
function freshSchema(): string {
  return `sb_test_${randomBytes(6).toString("hex")}`;
}

function optionsFor(schema: string): PostgresStoreOptions {
  // Small pools: several test files may run against the server at once.
  return { url: POSTGRES_URL, schema, poolSize: 4, applicationName: `switchboard-${schema}` };
}

async function dropSchema(schema: string): Promise<void> {
  await admin().query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** Terminate every server backend serving the stores opened with this schema; wait until they are gone. */
async function killConnections(schema: string): Promise<number> {
  const name = `switchboard-${schema}`;
  // The subquery picks the backends first (OFFSET 0 keeps the planner from
  // merging it): in one WHERE, the server may call pg_terminate_backend on
  // rows before testing the name, and kill every session it can see.
  const killed = await admin().query<{ pid: number }>(
    `SELECT pid, pg_terminate_backend(pid) FROM (
       SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid() OFFSET 0
     ) AS doomed`,
    [name],
  );
  for (let i = 0; i < 100; i++) {
    const left = await admin().query("SELECT 1 FROM pg_stat_activity WHERE application_name = $1", [name]);
    if (left.rowCount === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return killed.rowCount ?? 0;
}

if (!available) {
  describe.skip("PostgreSQL store (PostgreSQL unreachable: see the warning above)", () => {
    it("runs the Store contract against PostgreSQL", () => {});
  });
} else {
  describeStoreContract("postgres", async () => {
    const schema = freshSchema();
    const opened: Store[] = [await openPostgresStore(optionsFor(schema))];
    return {
      store: opened[0]!,
      reopen: async () => {
        const store = await openPostgresStore(optionsFor(schema));
        opened.push(store);
        return store;
      },
      cleanup: async () => {
        for (const store of opened) await store.close();
        await dropSchema(schema);
      },
    };
  });

  describe("PostgresStore", () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    /** `count` stores (nodes) on one fresh schema. */
    async function openNodes(count: number): Promise<{ schema: string; nodes: PostgresStore[] }> {
      const schema = freshSchema();
      cleanups.push(() => dropSchema(schema));
      const nodes: PostgresStore[] = [];
      for (let i = 0; i < count; i++) {
        const store = await openPostgresStore(optionsFor(schema));
        cleanups.push(() => store.close());
        nodes.push(store);
      }
      return { schema, nodes };
    }

    async function openOne(): Promise<{ schema: string; store: PostgresStore }> {
      const { schema, nodes } = await openNodes(1);
      return { schema, store: nodes[0]! };
    }

    describe("settings and migrations", () => {
      it("runs with synchronous_commit=on, READ COMMITTED, timeouts and its own schema", async () => {
        const { schema, store } = await openOne();
        expect(await store.settings()).toEqual({
          synchronousCommit: "on",
          statementTimeout: "15s",
          idleInTransactionSessionTimeout: "1min",
          transactionIsolation: "read committed",
          searchPath: schema,
        });
      });

      it("[DS2] refuses to open when the URL turns synchronous_commit off (acks could be lost)", async () => {
        const schema = freshSchema();
        cleanups.push(() => dropSchema(schema));
        const url = new URL(POSTGRES_URL);
        // The URL's options replace the adapter's, search_path included: keep
        // this test in its own schema, not in whatever "public" holds.
        url.searchParams.set("options", `-c synchronous_commit=off -c search_path=${schema}`);
        await expect(openPostgresStore({ ...optionsFor(schema), url: url.toString() })).rejects.toThrow(
          /synchronous_commit=off/,
        );
      });

      it("migrates a fresh schema once; running the migrations again changes nothing", async () => {
        const schema = freshSchema();
        cleanups.push(() => dropSchema(schema));
        expect(await migratePostgres(POSTGRES_URL, { schema })).toEqual({ from: 0, to: SCHEMA_VERSION });
        expect(await migratePostgres(POSTGRES_URL, { schema })).toEqual({
          from: SCHEMA_VERSION,
          to: SCHEMA_VERSION,
        });
        const versions = await admin().query<{ version: number }>(
          `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
        );
        expect(versions.rows.map((r) => r.version)).toEqual(
          Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
        );
      });

      it("nodes starting at once on a fresh schema migrate it exactly once", async () => {
        const schema = freshSchema();
        cleanups.push(() => dropSchema(schema));
        const results = await Promise.all(
          Array.from({ length: 4 }, () => migratePostgres(POSTGRES_URL, { schema })),
        );
        expect(results.filter((r) => r.from === 0)).toHaveLength(1);
        expect(results.every((r) => r.to === SCHEMA_VERSION)).toBe(true);
        const stores = await Promise.all(
          Array.from({ length: 3 }, () => openPostgresStore(optionsFor(schema))),
        );
        for (const store of stores) cleanups.push(() => store.close());
        await newAccount(stores[0]!, "alice");
        expect(await stores[2]!.getAccount("alice@test")).toBeDefined();
      });

      it("refuses a schema written by a newer build", async () => {
        const schema = freshSchema();
        cleanups.push(() => dropSchema(schema));
        await migratePostgres(POSTGRES_URL, { schema });
        await admin().query(`INSERT INTO "${schema}".schema_migrations (version) VALUES ($1)`, [
          SCHEMA_VERSION + 1,
        ]);
        await expect(openPostgresStore(optionsFor(schema))).rejects.toThrow(/newer/);
      });

      it("[ST21] [ST28] welcome items stored inline before the upgrade read and ack as before", async () => {
        const schema = freshSchema();
        cleanups.push(() => dropSchema(schema));
        // Version 1: the schema before one Welcome per commit.
        await migrate({ url: POSTGRES_URL, schema }, 1);
        const q = (sql: string, values: unknown[] = []) =>
          admin().query(sql.replaceAll("S.", `"${schema}".`), values);
        await q("INSERT INTO S.accounts VALUES ('bob@test', 'test', 'Bob', 1)");
        await q(
          "INSERT INTO S.devices (id, address, signature_key, created_at, last_seen_at) VALUES ('bob-1', 'bob@test', $1, 1, 1)",
          [Buffer.alloc(32, 3)],
        );
        await q(
          "INSERT INTO S.conversations (id, kind, epoch, last_seq, created_at, group_info) VALUES ('g1', 'group', 1, 1, 1, $1)",
          [Buffer.from("gi")],
        );
        await q(
          `INSERT INTO S.inbox (device_id, kind, conversation_id, payload, sender_address, sender_device_id, server_time, seq)
           VALUES ('bob-1', 'welcome', 'g1', $1, 'alice@test', 'alice-1', 2, 1)`,
          [Buffer.from("inline welcome")],
        );
        const store = await openPostgresStore(optionsFor(schema));
        cleanups.push(() => store.close());
        const [item] = await store.readInbox("bob-1", 0, 10);
        expect(hex(item!.payload)).toBe(hex(utf8("inline welcome")));
        expect(await store.countStoredWelcomes()).toBe(0);
        await store.ackInbox("bob-1", item!.id);
        expect(await store.readInbox("bob-1", 0, 10)).toEqual([]);
      });

      it("refuses a schema name that would need quoting", async () => {
        await expect(openPostgresStore({ url: POSTGRES_URL, schema: 'x"; DROP' })).rejects.toThrow(
          /schema name/,
        );
      });
    });

    describe("batching", () => {
      it("writes many concurrent appends in fewer statements than appends", async () => {
        const { store } = await openOne();
        const alice = await newAccount(store, "alice");
        await newGroup(store, "g1", alice);
        await newGroup(store, "g2", alice);
        const before = store.stats();
        const n = 200;
        const results = await Promise.all(
          Array.from({ length: n }, (_, i) =>
            store.appendMessage(message(i % 2 ? "g1" : "g2", alice, `m${i}`)),
          ),
        );
        const after = store.stats();
        expect(results.every((r) => r.kind === "appended")).toBe(true);
        expect(after.appends - before.appends).toBe(n);
        expect(after.batches - before.batches).toBeLessThan(n / 10);
        // Batch order is arrival order: each conversation's seqs follow the calls.
        const g1 = results.filter((_, i) => i % 2 === 1).map((r) => entryOf(r).seq);
        expect(g1).toEqual(Array.from({ length: n / 2 }, (_, i) => i + 1));
      });

      it("refuses appends and other writes after close", async () => {
        const { store } = await openOne();
        const alice = await newAccount(store, "alice");
        await store.close();
        await expect(store.appendMessage(message("g1", alice, "m1"))).rejects.toThrow(/closed/);
        await expect(store.touchDevice(alice.deviceId, 1)).rejects.toThrow(/closed/);
      });
    });

    describe("several nodes on one database", () => {
      /** Alice with `count` groups g0.., and bob added to each (so both may send). */
      async function groups(store: Store, count: number): Promise<{ alice: TestAccount; bob: TestAccount }> {
        const alice = await newAccount(store, "alice");
        const bob = await newAccount(store, "bob");
        for (let i = 0; i < count; i++) {
          await newGroup(store, `g${i}`, alice);
          const added = await store.commit(
            commitOf(`g${i}`, alice, {
              epoch: 0,
              clientMessageId: "add",
              membership: { addedDevices: [bob.deviceId], addedAccounts: [bob.address] },
            }),
          );
          expect(added.kind).toBe("committed");
        }
        return { alice, bob };
      }

      it("[DS4] appends to the same conversations through two nodes at once get gap-free, unique seqs", async () => {
        const { nodes } = await openNodes(2);
        const [one, two] = [nodes[0]!, nodes[1]!];
        const { alice, bob } = await groups(one, 5);
        const perNode = 300;
        const send = (node: Store, sender: TestAccount, i: number): Promise<AppendResult> =>
          node.appendMessage(message(`g${i % 5}`, sender, `${sender.deviceId}-${i}`, { epoch: 1 }));
        const results = await Promise.all([
          ...Array.from({ length: perNode }, (_, i) => send(one, alice, i)),
          ...Array.from({ length: perNode }, (_, i) => send(two, bob, i)),
        ]);
        expect(results.every((r) => r.kind === "appended")).toBe(true);
        for (let g = 0; g < 5; g++) {
          const log = await two.readLog(`g${g}`, 0, 1000);
          // seq 1 is the commit that added bob.
          expect(log.map((e) => e.seq)).toEqual(Array.from({ length: log.length }, (_, i) => i + 1));
          expect(log).toHaveLength(1 + (2 * perNode) / 5);
          expect((await one.getConversation(`g${g}`))?.lastSeq).toBe(log.length);
          for (const result of results.map(entryOf).filter((e) => e.conversationId === `g${g}`))
            expect(log[result.seq - 1]?.clientMessageId).toBe(result.clientMessageId);
        }
      });

      it("[DS11] [ST26] two nodes appending and pruning at once: the quota holds, and the counter ends at what is stored", async () => {
        const { nodes } = await openNodes(2);
        const [one, two] = [nodes[0]!, nodes[1]!];
        const { alice } = await groups(one, 5);
        const payload = new Uint8Array(100);
        const quota = 100 * 120;
        const send = (node: Store, i: number): Promise<AppendResult> =>
          node.appendMessage({
            ...message(`g${i % 5}`, alice, `m${i}`, { epoch: 1, payload }),
            maxQueuedBytes: quota,
          });
        const cut = { ackedBefore: 0, expiredBefore: Number.MAX_SAFE_INTEGER };
        const page = { after: "", conversations: 2, entries: 7 };
        const prune = async (node: Store) => {
          for (let after: string | undefined = ""; after !== undefined; )
            after = (await node.pruneLog(cut, { ...page, after })).next;
        };
        const results = await Promise.all([
          ...Array.from({ length: 150 }, (_, i) => send(i % 2 === 0 ? one : two, i)),
          prune(one),
          prune(two),
        ]);
        const appended = results.filter((r) => r !== undefined && r.kind === "appended").length;
        expect(appended).toBeGreaterThanOrEqual(120);
        let stored = 0;
        for (let g = 0; g < 5; g++)
          stored += (await one.readLog(`g${g}`, 0, 1000)).filter((e) => e.kind === "application").length;
        expect(await one.queuedBytes(alice.deviceId)).toBe(stored * 100);
        expect(stored * 100).toBeLessThanOrEqual(quota);
      });

      it("[DS3] one message sent through two nodes at once is stored once, with one seq for both", async () => {
        const { nodes } = await openNodes(2);
        const [one, two] = [nodes[0]!, nodes[1]!];
        const { alice } = await groups(one, 2);
        const n = 100;
        const pairs = await Promise.all(
          Array.from({ length: n }, async (_, i) => {
            const sent = message(`g${i % 2}`, alice, `same-${i}`, { epoch: 1 });
            return Promise.all([one.appendMessage(sent), two.appendMessage(sent)]);
          }),
        );
        for (const [a, b] of pairs) {
          expect([a.kind, b.kind].sort()).toEqual(["appended", "duplicate"]);
          expect(entryOf(a).seq).toBe(entryOf(b).seq);
        }
        for (const g of ["g0", "g1"]) {
          const log = await one.readLog(g, 0, 1000);
          expect(log).toHaveLength(1 + n / 2);
          expect(log.map((e) => e.seq)).toEqual(Array.from({ length: log.length }, (_, i) => i + 1));
        }
      });

      it("[DS1] commits for the same epoch through two nodes at once: exactly one wins each epoch", async () => {
        const { nodes } = await openNodes(2);
        const alice = await newAccount(nodes[0]!, "alice");
        await newGroup(nodes[0]!, "g1", alice);
        for (let epoch = 0; epoch < 20; epoch++) {
          const results = await Promise.all(
            nodes.flatMap((node, n) =>
              [0, 1].map((k) =>
                node.commit(commitOf("g1", alice, { epoch, clientMessageId: `c${epoch}-${n}-${k}` })),
              ),
            ),
          );
          expect(results.filter((r) => r.kind === "committed")).toHaveLength(1);
          expect(results.filter((r) => r.kind === "epoch_conflict")).toHaveLength(3);
        }
        expect(await nodes[1]!.getConversation("g1")).toMatchObject({ epoch: 20, lastSeq: 20 });
      });

      it("[ST4] claims through two nodes never hand out one key package twice", async () => {
        const { nodes } = await openNodes(2);
        const alice = await newAccount(nodes[0]!, "alice");
        const packages = Array.from({ length: 40 }, (_, i) => utf8(`kp${i}`));
        await nodes[0]!.addKeyPackages(alice.deviceId, packages, utf8("last"));
        const claims = await Promise.all(
          Array.from({ length: 60 }, (_, i) => nodes[i % 2]!.claimKeyPackages(alice.address)),
        );
        const handedOut = claims.map((c) => {
          expect(c).toHaveLength(1);
          return c[0]!;
        });
        const oneTime = handedOut.filter((c) => !c.lastResort).map((c) => hex(c.keyPackage));
        expect(oneTime).toHaveLength(40);
        expect(new Set(oneTime).size).toBe(40);
        expect(await nodes[1]!.countKeyPackages(alice.deviceId)).toBe(0);
      });

      it("[ST8] welcomes and device messages from two nodes reach a device in increasing id order", async () => {
        const { nodes } = await openNodes(2);
        const alice = await newAccount(nodes[0]!, "alice");
        const bob = await newAccount(nodes[0]!, "bob");
        for (let i = 0; i < 10; i++) await newGroup(nodes[0]!, `g${i}`, alice);
        const writes = Array.from({ length: 10 }, (_, i) =>
          nodes[i % 2]!.commit(
            commitOf(`g${i}`, alice, {
              epoch: 0,
              clientMessageId: "add",
              membership: { addedDevices: [bob.deviceId] },
              welcome: utf8(`welcome ${i}`),
            }),
          ),
        );
        // A reader polling meanwhile must never see an id after one it has not seen yet appear later.
        let seen = 0;
        const polled: number[] = [];
        const polling = (async () => {
          for (let i = 0; i < 20; i++) {
            const items = await nodes[1]!.readInbox(bob.deviceId, seen, 100);
            for (const item of items) polled.push(item.id);
            seen = items.at(-1)?.id ?? seen;
          }
        })();
        await Promise.all([...writes, polling]);
        const all = await nodes[1]!.readInbox(bob.deviceId, 0, 100);
        expect(all).toHaveLength(10);
        const rest = await nodes[1]!.readInbox(bob.deviceId, seen, 100);
        expect([...polled, ...rest.map((i) => i.id)]).toEqual(all.map((i) => i.id));
      });
    });

    describe("failures", () => {
      it("keeps working after PostgreSQL terminates its connections", async () => {
        const { schema, store } = await openOne();
        const alice = await newAccount(store, "alice");
        await newGroup(store, "g1", alice);
        // Open several pooled connections, then have the server kill them all.
        await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.appendMessage(message("g1", alice, `a${i}`))),
        );
        await Promise.all(Array.from({ length: 4 }, () => store.readLog("g1", 0, 10)));
        expect(await killConnections(schema)).toBeGreaterThan(0);

        // Reads, batched appends, transactions: all work on fresh connections.
        expect(await store.readLog("g1", 0, 100)).toHaveLength(8);
        const appended = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.appendMessage(message("g1", alice, `b${i}`))),
        );
        expect(appended.map((r) => entryOf(r).seq).sort((a, b) => a - b)).toEqual([
          9, 10, 11, 12, 13, 14, 15, 16,
        ]);
        expect((await store.commit(commitOf("g1", alice, { epoch: 0, clientMessageId: "c1" }))).kind).toBe(
          "committed",
        );
        expect(await store.getConversation("g1")).toMatchObject({ epoch: 1, lastSeq: 17 });
      });

      it("connections killed under load: every append settles, and what was acknowledged is stored once, in order", async () => {
        const { schema, store } = await openOne();
        const alice = await newAccount(store, "alice");
        await newGroup(store, "g1", alice);
        const sends: Promise<AppendResult>[] = [];
        const load = (async () => {
          for (let i = 0; i < 400; i++) {
            const sending = store.appendMessage(message("g1", alice, `m${i}`));
            // Observed now: rejections are expected, and checked below.
            sending.catch(() => {});
            sends.push(sending);
            if (i % 20 === 19) await new Promise((resolve) => setImmediate(resolve));
          }
        })();
        await new Promise((resolve) => setTimeout(resolve, 5));
        await killConnections(schema);
        await load;
        const settled = await Promise.allSettled(sends);
        for (const outcome of settled) {
          if (outcome.status === "rejected") expect(outcome.reason).toBeInstanceOf(StoreUnavailableError);
        }
        // The client retries what was refused, under the same ids (SPEC DS3).
        const retried = await Promise.all(
          settled.map((outcome, i) =>
            outcome.status === "fulfilled"
              ? Promise.resolve(outcome.value)
              : store.appendMessage(message("g1", alice, `m${i}`)),
          ),
        );
        const log = await store.readLog("g1", 0, 1000);
        expect(log.map((e) => e.seq)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
        expect(new Set(log.map((e) => e.clientMessageId)).size).toBe(400);
        for (const result of retried)
          expect(log[entryOf(result).seq - 1]?.clientMessageId).toBe(entryOf(result).clientMessageId);
      });

      it("rejects with StoreUnavailableError, promptly, when the server cannot be reached", async () => {
        const started = Date.now();
        const opening = openPostgresStore({
          url: "postgres://postgres@127.0.0.1:1/test",
          schema: freshSchema(),
          connectTimeoutMs: 1000,
        });
        await expect(opening).rejects.toBeInstanceOf(StoreUnavailableError);
        expect(Date.now() - started).toBeLessThan(5000);
      });
    });
  });
}
