/* JUnit XML reports (--junit FILE, hartlab test --junit FILE): the de-facto format that
 * GitLab, GitHub actions and Jenkins read, as Apache Ant's JUnit task writes it:
 *     <testsuites name tests failures errors time>
 *       <testsuite name tests failures errors skipped time>
 *         <testcase classname name file time>
 *           <failure message type>details</failure>    (or <error ...>, or neither)
 *           <system-out>console output</system-out>
 *           <system-err>hartlab's messages</system-err>
 *         </testcase> ...
 * hartlab writes one testcase per (firmware, script): classname is the script's name
 * (GitLab shows it as the suite), name the firmware's, time the run's virtual time in
 * seconds (so that the file is the same in every run). Text is XML-escaped; bytes that
 * are not valid UTF-8 or are control characters XML 1.0 cannot hold are written as \xHH.
 *
 * Usage:
 *     struct junit_case c = { .classname = "uart_echo", .name = "uart_echo-rv64", ... };
 *     if (!junit_write("report.xml", "hartlab", &c, 1, err, sizeof err)) ...
 */
#ifndef HARTLAB_HOST_JUNIT_H
#define HARTLAB_HOST_JUNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum junit_result { JUNIT_PASS, JUNIT_FAIL, JUNIT_ERROR };

struct junit_case {
    const char *classname, *name, *file;
    double time; /* seconds */
    enum junit_result result;
    const char *message; /* failure/error: one line */
    const char *type;    /* failure/error: a word ("script", "crash", ...) */
    const char *details; /* failure/error body */
    const uint8_t *out;  /* system-out (NULL: none) */
    size_t outlen;
    const uint8_t *err; /* system-err (NULL: none) */
    size_t errlen;
};

bool junit_write(const char *path, const char *suite, const struct junit_case *cases, size_t n,
                 char *err, size_t errlen);

#endif
