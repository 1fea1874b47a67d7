/* The test runner: `hartlab test [OPTIONS] DIR|LIST...` and `hartlab --test-list FILE`. It
 * runs many (firmware, script) pairs at once, each in its own hartlab process (a crash
 * cannot take the others down), as many at a time as the host has cores, and prints one
 * line per test in a fixed order with its verdict, virtual time and wall time, then
 * "N passed, M failed"; --junit FILE writes one JUnit report for all of them.
 *
 * Tests come from:
 *   DIR    every NAME.script in DIR, run against each NAME.elf and NAME-*.elf beside it (an
 *          ELF belongs to the script with the longest NAME that fits); NAME.options, if
 *          present, holds extra hartlab options for those runs (same syntax as a list line's
 *          OPTIONs, `#` comments).
 *   --list FILE (or --test-list FILE): one test a line, `FIRMWARE SCRIPT [OPTION...] [--
 *          GUEST ARGS]`, words separated by blanks, `#` comments; relative paths are
 *          relative to the current directory.
 * Options: -j N / --jobs N (default: the number of online cores), --junit FILE, -v,
 * --coverage FILE (each test runs with --coverage; their tracefiles summed into FILE,
 * host/lcov.h).
 * Exit status: 0 if every test passed, 1 if one failed (or could not run), 2 for a bad
 * option, list or directory.
 *
 * Each test runs as `hartlab --script SCRIPT --script-result TMP OPTIONS FIRMWARE -- ARGS`
 * with stdin from /dev/null and its output kept in a temporary directory for the report.
 */
#ifndef HARTLAB_HOST_RUNNER_H
#define HARTLAB_HOST_RUNNER_H

/* argv[0] is the hartlab executable (or "test" with `self` naming it); returns the exit
 * status. `self` is the program to run for each test. */
int runner_main(int argc, char **argv, const char *self);

#endif
