/* The test runner (see runner.h): POSIX fork/exec/waitpid, one child per test, at most
 * `jobs` at a time. Wall-clock time is measured here, outside every simulation, only for
 * the report. Each child writes its verdict to a result file (--script-result: lines
 * "KEY VALUE", see result_read) next to its captured stdout and stderr.
 */
#include "host/runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host/escape.h"
#include "host/junit.h"
#include "host/lcov.h"

#define MAX_WORDS   64
#define OUTPUT_KEEP (1u << 20) /* bytes of a test's stdout kept for the report */
#define ERR_KEEP    (64u << 10)

struct test {
    char *name, *classname;
    char *script, *firmware;
    char **args; /* extra options, then "--" and guest args if any */
    unsigned nargs;
    /* running */
    pid_t pid;
    double start, wall;
    bool done;
    int status; /* waitpid's */
    /* result */
    enum junit_result result;
    char verdict[16];
    uint64_t cycles, hz;
    char *message, *details;
    uint8_t *out, *err;
    size_t outlen, errlen;
};

struct runner {
    struct test *tests;
    size_t n, cap;
    char tmp[256];
    bool verbose;
    const char *coverage; /* --coverage FILE: every test's line coverage, summed */
};

static double pct(size_t part, size_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static double wall_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void usage(const char *msg, const char *arg)
{
    fprintf(stderr, "hartlab test: ");
    fprintf(stderr, msg, arg);
    fputs("\nusage: hartlab test [-j N] [--junit FILE] [--coverage FILE] [-v] [--list FILE]... "
          "[DIR]...\n"
          "       hartlab --test-list FILE [--junit FILE] [-j N]\n"
          "See docs/ci.md.\n",
          stderr);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* "dir/name.ext" -> "name" (freshly allocated). */
static char *stem(const char *path, const char *ext)
{
    const char *b = base_name(path);
    size_t n = strlen(b), e = strlen(ext);
    if (n > e && strcmp(b + n - e, ext) == 0)
        n -= e;
    return strndup(b, n);
}

static struct test *add_test(struct runner *r, const char *firmware, const char *script)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 16;
        struct test *t = realloc(r->tests, cap * sizeof *t);
        if (!t)
            return NULL;
        r->tests = t;
        r->cap = cap;
    }
    struct test *t = &r->tests[r->n++];
    memset(t, 0, sizeof *t);
    t->firmware = strdup(firmware);
    t->script = strdup(script);
    t->classname = stem(script, ".script");
    char *fw = stem(firmware, ".elf");
    size_t cl = strlen(t->classname);
    if (fw && t->classname && strncmp(fw, t->classname, cl) == 0) {
        t->name = fw;
    } else {
        size_t len = (t->classname ? cl : 0) + (fw ? strlen(fw) : 0) + 2;
        t->name = malloc(len);
        if (t->name)
            snprintf(t->name, len, "%s:%s", t->classname ? t->classname : "", fw ? fw : "");
        free(fw);
    }
    return t;
}

/* Words of a line ('#' at a word's start ends it) appended to t->args. */
static bool add_words(struct test *t, char *line)
{
    for (char *w = strtok(line, " \t\r\n"); w; w = strtok(NULL, " \t\r\n")) {
        if (w[0] == '#')
            break;
        if (t->nargs == MAX_WORDS)
            return false;
        char **a = realloc(t->args, (t->nargs + 1) * sizeof *a);
        if (!a)
            return false;
        t->args = a;
        t->args[t->nargs++] = strdup(w);
    }
    return true;
}

static bool load_list(struct runner *r, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "hartlab test: --test-list %s: cannot read: %s\n", path, strerror(errno));
        return false;
    }
    char *line = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    bool ok = true;
    while (ok && getline(&line, &cap, f) >= 0) {
        lineno++;
        char *save, *fw = strtok_r(line, " \t\r\n", &save);
        if (!fw || fw[0] == '#')
            continue;
        char *script = strtok_r(NULL, " \t\r\n", &save);
        if (!script || script[0] == '#') {
            fprintf(stderr,
                    "hartlab test: %s:%u: expected 'FIRMWARE SCRIPT [OPTION...] [-- ARGS]'\n", path,
                    lineno);
            ok = false;
            break;
        }
        struct test *t = add_test(r, fw, script);
        char *rest = save ? save : (char *)"";
        if (!t || !add_words(t, rest)) {
            fprintf(stderr, "hartlab test: %s:%u: too many words (or out of memory)\n", path,
                    lineno);
            ok = false;
        }
    }
    free(line);
    fclose(f);
    return ok;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, const char *e)
{
    size_t n = strlen(s), m = strlen(e);
    return n >= m && strcmp(s + n - m, e) == 0;
}

/* Every NAME.script in dir with its NAME.elf / NAME-*.elf. */
static bool load_dir(struct runner *r, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "hartlab test: %s: cannot read the directory: %s\n", dir, strerror(errno));
        return false;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char **p = realloc(names, (n + 1) * sizeof *p);
        if (!p)
            break;
        names = p;
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    size_t before = r->n;
    for (size_t k = 0; k < n; k++) {
        if (!ends_with(names[k], ".script"))
            continue;
        size_t sl = strlen(names[k]) - 7;
        bool found = false;
        for (size_t j = 0; j < n; j++) {
            const char *elf = names[j];
            if (!ends_with(elf, ".elf") || strncmp(elf, names[k], sl) != 0 ||
                !(elf[sl] == '.' || elf[sl] == '-'))
                continue;
            if (elf[sl] == '.' && strcmp(elf + sl, ".elf") != 0)
                continue;
            /* The ELF belongs to the script with the longest matching name. */
            bool longer = false;
            for (size_t o = 0; o < n && !longer; o++) {
                size_t ol = strlen(names[o]);
                if (o == k || !ends_with(names[o], ".script") || ol - 7 <= sl)
                    continue;
                ol -= 7;
                if (strncmp(elf, names[o], ol) == 0 && (elf[ol] == '.' || elf[ol] == '-'))
                    longer = true;
            }
            if (longer)
                continue;
            char script[4096], fw[4096], opts[4096];
            snprintf(script, sizeof script, "%s/%s", dir, names[k]);
            snprintf(fw, sizeof fw, "%s/%s", dir, elf);
            struct test *t = add_test(r, fw, script);
            if (!t)
                break;
            found = true;
            snprintf(opts, sizeof opts, "%s/%.*s.options", dir, (int)sl, names[k]);
            FILE *f = fopen(opts, "r");
            if (f) {
                char *line = NULL;
                size_t cap = 0;
                while (getline(&line, &cap, f) >= 0)
                    add_words(t, line);
                free(line);
                fclose(f);
            }
        }
        if (!found) {
            /* A script without firmware is a test that cannot run: reported, not skipped. */
            char script[4096], fw[4096];
            snprintf(script, sizeof script, "%s/%s", dir, names[k]);
            snprintf(fw, sizeof fw, "%s/%.*s.elf", dir, (int)sl, names[k]);
            add_test(r, fw, script);
        }
    }
    for (size_t k = 0; k < n; k++)
        free(names[k]);
    free(names);
    if (r->n == before) {
        fprintf(stderr, "hartlab test: %s: no NAME.script files in this directory\n", dir);
        return false;
    }
    return true;
}

/* Tests that would share a name (the same ELF name in several directories: a class's
 * submissions) are named by their firmware's path instead. */
static void unique_names(struct runner *r)
{
    bool *dup = calloc(r->n, sizeof *dup);
    if (!dup)
        return;
    for (size_t a = 0; a < r->n; a++)
        for (size_t b = a + 1; b < r->n; b++)
            if (r->tests[a].name && r->tests[b].name &&
                strcmp(r->tests[a].name, r->tests[b].name) == 0)
                dup[a] = dup[b] = true;
    for (size_t k = 0; k < r->n; k++) {
        struct test *t = &r->tests[k];
        if (!dup[k])
            continue;
        size_t n = strlen(t->firmware);
        if (n > 4 && strcmp(t->firmware + n - 4, ".elf") == 0)
            n -= 4;
        char *name = malloc(strlen(t->classname ? t->classname : "") + n + 2);
        if (!name)
            continue;
        bool prefix = strncmp(t->name, t->classname ? t->classname : "",
                              strlen(t->classname ? t->classname : "")) != 0 ||
                      strchr(t->name, ':');
        sprintf(name, "%s%s%.*s", prefix ? t->classname : "", prefix ? ":" : "", (int)n,
                t->firmware);
        free(t->name);
        t->name = name;
    }
    free(dup);
}

/* ---- running ---- */

static void tmp_path(const struct runner *r, size_t k, const char *ext, char *out, size_t len)
{
    snprintf(out, len, "%s/%zu.%s", r->tmp, k, ext);
}

static pid_t spawn(const struct runner *r, size_t k, const char *self)
{
    const struct test *t = &r->tests[k];
    char res[300], out[300], err[300], cov[300];
    tmp_path(r, k, "result", res, sizeof res);
    tmp_path(r, k, "info", cov, sizeof cov);
    tmp_path(r, k, "out", out, sizeof out);
    tmp_path(r, k, "err", err, sizeof err);
    char **argv = calloc(t->nargs + 10, sizeof *argv);
    if (!argv)
        return -1;
    unsigned a = 0;
    argv[a++] = (char *)self;
    argv[a++] = "--script";
    argv[a++] = t->script;
    argv[a++] = "--script-result";
    argv[a++] = res;
    if (r->coverage) {
        argv[a++] = "--coverage";
        argv[a++] = cov;
    }
    unsigned k2 = 0;
    for (; k2 < t->nargs && strcmp(t->args[k2], "--") != 0; k2++)
        argv[a++] = t->args[k2];
    argv[a++] = t->firmware;
    for (; k2 < t->nargs; k2++)
        argv[a++] = t->args[k2];
    argv[a] = NULL;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || o < 0 || e < 0)
            _exit(127);
        dup2(in, 0);
        dup2(o, 1);
        dup2(e, 2);
        execv(self, argv);
        fprintf(stderr, "hartlab test: cannot run %s: %s\n", self, strerror(errno));
        _exit(127);
    }
    free(argv);
    return pid;
}

/* The tail of a file (at most `keep` bytes). */
static uint8_t *read_tail(const char *path, size_t keep, size_t *len)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    if (size < 0) {
        fclose(f);
        return NULL;
    }
    size_t n = (size_t)size > keep ? keep : (size_t)size;
    fseek(f, size - (long)n, SEEK_SET);
    uint8_t *buf = malloc(n + 1);
    if (buf) {
        *len = fread(buf, 1, n, f);
        buf[*len] = 0;
    }
    fclose(f);
    return buf;
}

/* Decode a "..." value of the result file. */
static char *unquote(const char *s)
{
    size_t n = strlen(s);
    uint8_t *buf = malloc(n + 1);
    size_t len;
    char why[100];
    if (!buf || *s != '"' ||
        !escape_parse_quoted(s + 1, s + n, '"', buf, n + 1, &len, why, sizeof why)) {
        free(buf);
        return strdup(s);
    }
    for (size_t k = 0; k < len; k++)
        if (!buf[k])
            buf[k] = ' ';
    buf[len] = 0;
    return (char *)buf;
}

static void read_result(const struct runner *r, size_t k, struct test *t)
{
    char path[300];
    tmp_path(r, k, "result", path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) >= 0) {
        line[strcspn(line, "\n")] = 0;
        char *sp = strchr(line, ' ');
        if (!sp)
            continue;
        *sp++ = 0;
        if (strcmp(line, "verdict") == 0)
            snprintf(t->verdict, sizeof t->verdict, "%s", sp);
        else if (strcmp(line, "cycles") == 0)
            t->cycles = strtoull(sp, NULL, 10);
        else if (strcmp(line, "hz") == 0)
            t->hz = strtoull(sp, NULL, 10);
        else if (strcmp(line, "message") == 0 && !t->message)
            t->message = unquote(sp);
        else if (strcmp(line, "details") == 0 && !t->details)
            t->details = unquote(sp);
    }
    free(line);
    fclose(f);
}

/* The first line of stderr that says something (for errors). */
static char *first_line(const uint8_t *err, size_t len)
{
    if (!err || !len)
        return NULL;
    const char *s = (const char *)err;
    size_t n = strcspn(s, "\n");
    if (n > len)
        n = len;
    return strndup(s, n);
}

static void finish_test(const struct runner *r, size_t k, struct test *t)
{
    char path[300];
    tmp_path(r, k, "out", path, sizeof path);
    t->out = read_tail(path, OUTPUT_KEEP, &t->outlen);
    tmp_path(r, k, "err", path, sizeof path);
    t->err = read_tail(path, ERR_KEEP, &t->errlen);
    read_result(r, k, t);
    char buf[300];
    if (WIFSIGNALED(t->status)) {
        int sig = WTERMSIG(t->status);
        snprintf(buf, sizeof buf, "hartlab was killed by signal %d (%s)%s", sig, strsignal(sig),
                 WCOREDUMP(t->status) ? ", core dumped" : "");
        free(t->message);
        t->message = strdup(buf);
        t->result = JUNIT_ERROR;
        return;
    }
    int code = WIFEXITED(t->status) ? WEXITSTATUS(t->status) : -1;
    if (code == 0 && strcmp(t->verdict, "pass") == 0) {
        t->result = JUNIT_PASS;
    } else if (code == 1 && strcmp(t->verdict, "fail") == 0) {
        t->result = JUNIT_FAIL;
    } else {
        t->result = JUNIT_ERROR;
        if (!t->message) {
            char *l = first_line(t->err, t->errlen);
            if (l) {
                t->message = l;
            } else {
                snprintf(buf, sizeof buf, "hartlab ended with exit status %d and no verdict", code);
                t->message = strdup(buf);
            }
        }
    }
}

static void print_test(const struct test *t)
{
    const char *v = t->result == JUNIT_PASS ? "PASS" : t->result == JUNIT_FAIL ? "FAIL" : "ERROR";
    char virt[64] = "";
    if (t->hz)
        snprintf(virt, sizeof virt, " (%.3f ms virtual)",
                 (double)t->cycles * 1000.0 / (double)t->hz);
    printf("%-5s %-28s %12" PRIu64 " cycles%-22s %7.2f s wall\n", v, t->name, t->cycles, virt,
           t->wall);
    if (t->result != JUNIT_PASS && t->message)
        printf("      %s\n", t->message);
    fflush(stdout);
}

static void remove_tmp(const struct runner *r)
{
    DIR *d = opendir(r->tmp);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char p[600];
            snprintf(p, sizeof p, "%s/%s", r->tmp, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(r->tmp);
}

static void free_runner(struct runner *r)
{
    for (size_t k = 0; k < r->n; k++) {
        struct test *t = &r->tests[k];
        free(t->name);
        free(t->classname);
        free(t->script);
        free(t->firmware);
        for (unsigned a = 0; a < t->nargs; a++)
            free(t->args[a]);
        free(t->args);
        free(t->message);
        free(t->details);
        free(t->out);
        free(t->err);
    }
    free(r->tests);
}

int runner_main(int argc, char **argv, const char *self)
{
    static const struct option longopts[] = {
        { "jobs", required_argument, NULL, 'j' },
        { "junit", required_argument, NULL, 'J' },
        { "coverage", required_argument, NULL, 'C' },
        { "list", required_argument, NULL, 'l' },
        { "test-list", required_argument, NULL, 'l' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct runner r = { 0 };
    const char *junit = NULL;
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    if (jobs < 1)
        jobs = 1;
    int status = 2;
    optind = 1;
    opterr = 0;
    int c;
    bool lists = false;
    while ((c = getopt_long(argc, argv, "j:vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': {
            char *end;
            jobs = strtol(optarg, &end, 10);
            if (*end || jobs < 1 || jobs > 1024) {
                usage("-j: '%s' is not a number of jobs (1-1024)", optarg);
                goto out;
            }
            break;
        }
        case 'J': junit = optarg; break;
        case 'C': r.coverage = optarg; break;
        case 'l':
            lists = true;
            if (!load_list(&r, optarg))
                goto out;
            break;
        case 'v': r.verbose = true; break;
        case 'h':
            usage("%s", "run (firmware, script) pairs in parallel");
            status = 0;
            goto out;
        default: usage("option '%s' is unknown or needs a value", argv[optind - 1]); goto out;
        }
    }
    for (int k = optind; k < argc; k++) {
        struct stat st;
        if (stat(argv[k], &st) == 0 && S_ISDIR(st.st_mode)) {
            if (!load_dir(&r, argv[k]))
                goto out;
        } else if (stat(argv[k], &st) == 0) {
            if (!load_list(&r, argv[k]))
                goto out;
        } else {
            usage("'%s' is neither a directory of tests nor a test list", argv[k]);
            goto out;
        }
    }
    if (r.n == 0) {
        usage("%s", lists ? "the test list holds no tests" : "no tests given");
        goto out;
    }
    unique_names(&r);
    const char *tmpdir = getenv("TMPDIR");
    snprintf(r.tmp, sizeof r.tmp, "%s/hartlab-test-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(r.tmp)) {
        fprintf(stderr, "hartlab test: cannot make a temporary directory %s: %s\n", r.tmp,
                strerror(errno));
        goto out;
    }
    printf("hartlab test: %zu test%s, %ld at a time\n", r.n, r.n == 1 ? "" : "s", jobs);
    double t0 = wall_now();
    size_t next = 0, printed = 0, running = 0;
    while (printed < r.n) {
        while (running < (size_t)jobs && next < r.n) {
            struct test *t = &r.tests[next];
            t->start = wall_now();
            t->pid = spawn(&r, next, self);
            if (t->pid < 0) {
                t->done = true;
                t->status = 127 << 8;
                finish_test(&r, next, t);
            } else {
                running++;
            }
            next++;
        }
        while (printed < r.n && r.tests[printed].done)
            print_test(&r.tests[printed++]);
        if (!running)
            continue;
        int ws;
        pid_t pid = waitpid(-1, &ws, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (size_t k = 0; k < next; k++)
            if (r.tests[k].pid == pid && !r.tests[k].done) {
                struct test *t = &r.tests[k];
                t->done = true;
                t->status = ws;
                t->wall = wall_now() - t->start;
                running--;
                finish_test(&r, k, t);
            }
    }
    size_t passed = 0;
    for (size_t k = 0; k < r.n; k++)
        passed += r.tests[k].result == JUNIT_PASS;
    printf("%zu passed, %zu failed\n", passed, r.n - passed);
    if (r.verbose)
        printf("hartlab test: %.2f s wall on %ld job%s\n", wall_now() - t0, jobs,
               jobs == 1 ? "" : "s");
    status = passed == r.n ? 0 : 1;
    if (junit) {
        struct junit_case *cases = calloc(r.n, sizeof *cases);
        char err[512];
        if (!cases) {
            fprintf(stderr, "hartlab test: out of memory for the report\n");
            status = 2;
        } else {
            for (size_t k = 0; k < r.n; k++) {
                const struct test *t = &r.tests[k];
                cases[k] = (struct junit_case){
                    .classname = t->classname,
                    .name = t->name,
                    .file = t->script,
                    .time = t->hz ? (double)t->cycles / (double)t->hz : 0,
                    .result = t->result,
                    .message = t->message,
                    .type = t->result == JUNIT_FAIL  ? "script"
                            : WIFSIGNALED(t->status) ? "crash"
                                                     : "error",
                    .details = t->details,
                    .out = t->out ? t->out : (const uint8_t *)"",
                    .outlen = t->outlen,
                    .err = t->errlen ? t->err : NULL,
                    .errlen = t->errlen,
                };
            }
            if (!junit_write(junit, "hartlab", cases, r.n, err, sizeof err)) {
                fprintf(stderr, "hartlab test: %s\n", err);
                status = 2;
            }
            free(cases);
        }
    }
    if (r.coverage) {
        /* Every test's tracefile, added up (host/lcov.h); a test that crashed has none. */
        char **paths = calloc(r.n, sizeof *paths);
        char err[600];
        size_t missing = 0;
        struct lcov_totals t;
        bool ok = paths != NULL;
        for (size_t k = 0; ok && k < r.n; k++) {
            if (!(paths[k] = malloc(300)))
                ok = false;
            else
                tmp_path(&r, k, "info", paths[k], 300);
        }
        if (!ok)
            snprintf(err, sizeof err, "out of memory for the coverage");
        else
            ok = lcov_merge((const char *const *)paths, r.n, r.coverage, &missing, &t, err,
                            sizeof err);
        if (!ok) {
            fprintf(stderr, "hartlab test: --coverage: %s\n", err);
            status = 2;
        } else {
            if (missing)
                fprintf(stderr,
                        "hartlab test: --coverage: %zu of %zu tests left no coverage (they did "
                        "not run to the end)\n",
                        missing, r.n);
            printf("coverage: lines %.1f%% (%zu of %zu), functions %.1f%% (%zu of %zu), branches "
                   "%.1f%% (%zu of %zu) in %s\n",
                   pct(t.lines_hit, t.lines), t.lines_hit, t.lines, pct(t.fns_hit, t.fns),
                   t.fns_hit, t.fns, pct(t.branches_hit, t.branches), t.branches_hit, t.branches,
                   r.coverage);
        }
        for (size_t k = 0; paths && k < r.n; k++)
            free(paths[k]);
        free(paths);
    }
    remove_tmp(&r);
out:
    free_runner(&r);
    return status;
}
