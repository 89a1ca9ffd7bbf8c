/**
 * The pluggable verification step for apps whose registration proves a phone
 * number or email (`verification: "code"`). The demo apps leave it off. A real
 * deployment plugs in its SMS or email provider here.
 */
export interface Verifier {
  /** True when `code` proves control of `address`. */
  check(address: string, code: string): Promise<boolean>;
}

/** Refuses everything: the safe default when an app asks for codes and no verifier is configured. */
export const refuseAllVerifier: Verifier = {
  async check() {
    return false;
  },
};
