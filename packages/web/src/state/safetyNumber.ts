/**
 * A safety number as people read it aloud: 60 digits in twelve groups of
 * five (Signal's layout), so two people can compare it group by group.
 */
export function safetyNumberGroups(digits: string): string[] {
  return digits.match(/\d{1,5}/g) ?? [];
}
