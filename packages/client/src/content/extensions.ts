/**
 * Our own additions to MIMI content, in `mimiExtensions` under text keys
 * prefixed "sb." (SPEC CT4). Integer keys belong to the draft; text keys are
 * free for any deployment, so the prefix keeps ours apart from others'.
 */
export const SB_EXTENSION = {
  /** The group's title (what the protobuf GroupProfile carried): a text string. */
  title: "sb.title",
} as const;

/** A file's dimensions and duration (SPEC MD12): a map of "width", "height", "durationMs" to integers. */
export const SB_MEDIA_EXTENSION = "sb.media";
