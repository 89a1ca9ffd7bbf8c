/**
 * Limits on membership (issue 14, item 4; SPEC DS15, DS16), passed through
 * HubOptions.membership. Each has a typed error when it is reached.
 */
export interface MembershipSettings {
  /** Most conversations in one ListConversations page (a client's smaller `limit` wins). */
  conversationsPerPage: number;
  /** Most devices in one ListDevices page. */
  devicesPerPage: number;
  /**
   * Most conversations one account may be a participant of. Creating one
   * more, or being added to one more, is refused with CONVERSATION_LIMIT.
   */
  maxConversationsPerAccount: number;
  /**
   * Most groups OTHER accounts may add one account to per hour (adds within
   * the account and direct conversations it was invited to count too when
   * the adder is someone else). Over it: GROUP_ADD_LIMIT, naming the account.
   */
  maxGroupAddsPerHour: number;
}

export const DEFAULT_MEMBERSHIP_SETTINGS: MembershipSettings = {
  conversationsPerPage: 200,
  devicesPerPage: 200,
  maxConversationsPerAccount: 10_000,
  maxGroupAddsPerHour: 60,
};

export const GROUP_ADD_WINDOW_MS = 60 * 60 * 1000;
