const GROUP_PATTERN = /^[a-z0-9][a-z0-9_-]{0,99}$/;

/** Consumer group names become queue names: lower-case letters, digits, `-` and `_`, at most 100. */
export function assertConsumerGroupName(group: string): void {
  if (!GROUP_PATTERN.test(group)) {
    throw new Error(
      `consumer group "${group}" must be 1-100 lower-case letters, digits, "-" or "_", starting with a letter or digit`,
    );
  }
}
