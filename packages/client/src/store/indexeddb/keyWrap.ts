/**
 * Secrets at rest in the browser. A non-extractable AES-256-GCM CryptoKey,
 * made in this origin and kept in IndexedDB (CryptoKeys are structured-
 * clonable; a non-extractable one keeps its bytes inside the browser's
 * crypto engine), encrypts every private key and group state before it is
 * stored. An export of the database (devtools, a backup, a disk image read
 * without the browser) holds only ciphertext and a key handle nobody can
 * read out: exportKey refuses it.
 *
 * Each sealed value is bound to the record it belongs to (AAD), so a value
 * moved from one record to another does not open.
 */
const NONCE_BYTES = 12;

export interface KeyWrap {
  seal(plaintext: Uint8Array, record: string): Promise<Uint8Array>;
  /** Rejects when the value was not sealed for `record` under this key. */
  open(sealed: Uint8Array, record: string): Promise<Uint8Array>;
}

export function generateWrappingKey(): Promise<CryptoKey> {
  return globalThis.crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, [
    "encrypt",
    "decrypt",
  ]);
}

const aad = (record: string): Uint8Array<ArrayBuffer> =>
  new TextEncoder().encode(`switchboard/wrap/v1/${record}`);

export function keyWrap(key: CryptoKey): KeyWrap {
  const subtle = globalThis.crypto.subtle;
  return {
    async seal(plaintext, record) {
      const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
      const body = await subtle.encrypt(
        { name: "AES-GCM", iv: nonce, additionalData: aad(record) },
        key,
        plaintext as Uint8Array<ArrayBuffer>,
      );
      const out = new Uint8Array(NONCE_BYTES + body.byteLength);
      out.set(nonce);
      out.set(new Uint8Array(body), NONCE_BYTES);
      return out;
    },
    async open(sealed, record) {
      const plain = await subtle.decrypt(
        {
          name: "AES-GCM",
          iv: sealed.subarray(0, NONCE_BYTES) as Uint8Array<ArrayBuffer>,
          additionalData: aad(record),
        },
        key,
        sealed.subarray(NONCE_BYTES) as Uint8Array<ArrayBuffer>,
      );
      return new Uint8Array(plain);
    },
  };
}
