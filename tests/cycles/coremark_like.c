/* coremark_like.c: one iteration of a CoreMark-style workload written for hartlab's
 * calibration set (tests/cycles/README.md); it is not EEMBC CoreMark and its figures are
 * not CoreMark scores. Like that benchmark it mixes four kinds of work over one small data
 * set: a linked list (find, reverse, insertion sort by value), a small integer matrix
 * (multiply by a constant and by a vector, with 16-bit inputs and 32-bit results), a
 * state machine that classifies the characters of a text as numbers, words and
 * separators, and a CRC-16 that folds every result into one checksum. */
#include "calib.h"

#define LIST_N 24
#define MAT_N  6

struct node {
    struct node *next;
    int16_t value;
    int16_t index;
};

static struct node nodes[LIST_N];
static int16_t mat_a[MAT_N][MAT_N], vec_b[MAT_N];
static int32_t mat_c[MAT_N][MAT_N], vec_c[MAT_N];
static const char text[] = "5012,42.7,x9,-17,+3e4,hello,0x1f,,77.0e-1,abc,1234567,-.5,99";

static uint16_t crc16_byte(uint8_t data, uint16_t crc)
{
    for (int i = 0; i < 8; i++) {
        uint16_t mix = (uint16_t)((data ^ crc) & 1);
        crc >>= 1;
        if (mix)
            crc ^= 0xa001u;
        data >>= 1;
    }
    return crc;
}

static uint16_t crc16_word(uint32_t w, uint16_t crc)
{
    crc = crc16_byte((uint8_t)w, crc);
    crc = crc16_byte((uint8_t)(w >> 8), crc);
    crc = crc16_byte((uint8_t)(w >> 16), crc);
    return crc16_byte((uint8_t)(w >> 24), crc);
}

static struct node *list_build(void)
{
    uint32_t seed = 7;
    for (int i = 0; i < LIST_N; i++) {
        seed = seed * 1103515245u + 12345u;
        nodes[i].value = (int16_t)((seed >> 16) & 0x7fff);
        nodes[i].index = (int16_t)i;
        nodes[i].next = i + 1 < LIST_N ? &nodes[i + 1] : 0;
    }
    return &nodes[0];
}

static struct node *list_find(struct node *l, int16_t index)
{
    while (l && l->index != index)
        l = l->next;
    return l;
}

static struct node *list_reverse(struct node *l)
{
    struct node *r = 0;
    while (l) {
        struct node *n = l->next;
        l->next = r;
        r = l;
        l = n;
    }
    return r;
}

static struct node *list_sort(struct node *l)
{
    struct node *sorted = 0;
    while (l) {
        struct node *n = l->next, **p = &sorted;
        while (*p && (*p)->value < l->value)
            p = &(*p)->next;
        l->next = *p;
        *p = l;
        l = n;
    }
    return sorted;
}

static uint16_t bench_list(uint16_t crc)
{
    struct node *l = list_build();
    for (int16_t i = 0; i < LIST_N; i += 5) {
        struct node *f = list_find(l, i);
        crc = crc16_word(f ? (uint32_t)f->value : 0xffffu, crc);
    }
    l = list_reverse(l);
    l = list_sort(l);
    for (struct node *n = l; n; n = n->next)
        crc = crc16_word((uint32_t)n->index, crc);
    return crc;
}

static uint16_t bench_matrix(uint16_t crc)
{
    for (int i = 0; i < MAT_N; i++) {
        vec_b[i] = (int16_t)(i * 3 - 7);
        for (int j = 0; j < MAT_N; j++)
            mat_a[i][j] = (int16_t)((i + 1) * (j - 2) * 37);
    }
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++)
            mat_c[i][j] = (int32_t)mat_a[i][j] * 1021;
    for (int i = 0; i < MAT_N; i++) {
        int32_t s = 0;
        for (int j = 0; j < MAT_N; j++)
            s += (int32_t)mat_a[i][j] * vec_b[j];
        vec_c[i] = s;
    }
    for (int i = 0; i < MAT_N; i++) {
        crc = crc16_word((uint32_t)vec_c[i], crc);
        crc = crc16_word((uint32_t)mat_c[i][MAT_N - 1 - i], crc);
    }
    return crc;
}

enum state { S_START, S_INT, S_FRAC, S_EXP, S_WORD, S_BAD };

static uint16_t bench_state(uint16_t crc)
{
    unsigned counts[6] = { 0 };
    enum state s = S_START;
    for (const char *p = text;; p++) {
        char c = *p;
        if (c == ',' || c == 0) {
            counts[s]++;
            s = S_START;
            if (!c)
                break;
            continue;
        }
        int digit = c >= '0' && c <= '9';
        switch (s) {
        case S_START: s = digit || c == '-' || c == '+' ? S_INT : c == '.' ? S_FRAC : S_WORD; break;
        case S_INT: s = digit ? S_INT : c == '.' ? S_FRAC : c == 'e' ? S_EXP : S_BAD; break;
        case S_FRAC: s = digit ? S_FRAC : c == 'e' ? S_EXP : S_BAD; break;
        case S_EXP: s = digit || c == '-' ? S_EXP : S_BAD; break;
        case S_WORD: s = digit || (c >= 'a' && c <= 'z') ? S_WORD : S_BAD; break;
        case S_BAD: break;
        }
    }
    for (int i = 0; i < 6; i++)
        crc = crc16_word(counts[i], crc);
    return crc;
}

void k_coremark_like(void)
{
    uint16_t crc = 0;
    crc = bench_list(crc);
    crc = bench_matrix(crc);
    crc = bench_state(crc);
    calib_sink = crc;
}
