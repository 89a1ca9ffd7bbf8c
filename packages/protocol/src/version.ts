/** The wire protocol version spoken in Hello / ServerHello. Bump on breaking changes. */
export const PROTOCOL_VERSION = 1;
