/**
 * Every input is bounded (DESIGN rule 6). These are the bounds, in one place,
 * shared by the server (which enforces them) and the SDK (which stays inside).
 */
export const LIMITS = {
  /** Largest WebSocket frame either side accepts, in bytes. */
  maxFrameBytes: 1024 * 1024,
  /** Largest MLS application message payload. */
  maxMessageBytes: 256 * 1024,
  /** Largest commit, welcome or GroupInfo (they grow with the group's size). */
  maxHandshakeBytes: 768 * 1024,
  /** Largest single KeyPackage. */
  maxKeyPackageBytes: 4 * 1024,
  /** Most key packages in one upload. */
  maxKeyPackagesPerUpload: 200,
  /** Most one-time key packages a device may hold on the server. */
  maxKeyPackagesPerDevice: 1000,
  /** Below this many one-time key packages the server tells the device to top up. */
  keyPackagesLowWater: 10,
  /** Longest handle part of an address, in characters. */
  maxHandleLength: 64,
  /** Longest display name, in characters. */
  maxDisplayNameLength: 64,
  /** Longest name of a device ("Alice's laptop"), in characters. */
  maxDeviceNameLength: 64,
  /** Most devices any app may allow one account (an app's maxDevices is at most this). */
  maxDevicesPerAccount: 100,
  /** Longest client message id. */
  maxClientMessageIdLength: 64,
  /** Longest id of a conversation (hex of the MLS group id). */
  maxConversationIdLength: 64,
  /** Most entries in one fetch response. */
  maxFetchEntries: 1000,
  /**
   * Most payload bytes in one fetch (or inbox) response. Pages are cut by
   * bytes as well as count so a response always fits in a frame: four
   * messages of maxMessageBytes would otherwise overflow one.
   */
  maxPageBytes: 768 * 1024,
  /** Most inbox items in one fetch response. */
  maxInboxItems: 200,
  /** Most cursors in one ack. */
  maxCursorsPerAck: 500,
  /** Most devices added or removed by one commit. */
  maxMembershipChange: 2000,
  /** Most requests a connection may have in flight; the hub reads no more of its requests until one finishes. */
  maxInFlightRequests: 256,
  /** Largest ephemeral payload (SPEC EP3): a typing or presence signal is a few hundred bytes of MLS. */
  maxEphemeralBytes: 4 * 1024,
} as const;
