/** Exit codes (sysexits-style) so scripts can tell a bad flag from a bad config from a crash. */
export const EXIT = {
  OK: 0,
  /** Something failed at run time (a server unreachable, a write that failed for good). */
  FAILURE: 1,
  /** Bad command line: unknown command or flag, missing argument. */
  USAGE: 64,
  /** Input data unusable as a whole (e.g. the input file does not exist). */
  NOINPUT: 66,
  /** An unexpected internal error. */
  SOFTWARE: 70,
  /** Bad configuration (an environment variable with a bad value). */
  CONFIG: 78,
} as const;
