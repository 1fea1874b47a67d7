/* The parsed form of a --script (host/script.h), shared by the parser (script.c) and the
 * engine that runs it (script_run.c). Not for other modules. */
#ifndef HARTLAB_HOST_SCRIPT_INTERNAL_H
#define HARTLAB_HOST_SCRIPT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/script.h"

struct script_rx;

enum step_kind { ST_WAIT, ST_SEND, ST_EXIT, ST_GPIO, ST_EXPECT, ST_AT, ST_AFTER };

/* Streams: UART k (k >= 0) or one of these. */
#define STREAM_CONSOLE  (-1)
#define STREAM_SEMIHOST (-2)

#define LEVEL_LOW     0
#define LEVEL_HIGH    1
#define LEVEL_RELEASE 2

struct step {
    enum step_kind kind;
    unsigned line;
    char *display;        /* the step as it is quoted in messages: wait "hello" */
    int stream;           /* wait, send */
    struct script_rx *rx; /* wait */
    uint8_t *data;        /* send */
    size_t len;
    uint64_t cycles; /* at/after: the time; wait, expect, exit: the budget */
    bool within;     /* expect: a budget was given (else: the level now) */
    int code;        /* exit */
    char *pin_name;  /* gpio, expect: as written */
    int level;       /* gpio: LEVEL_*; expect: LEVEL_LOW/HIGH */
};

struct script {
    char *name;
    struct step *steps;
    size_t n, cap;
    uint64_t run_limit; /* timeout run; 0 = none */
    unsigned run_limit_line;
};

#endif
