/* Disk images (see blockdev.h): POSIX pread/pwrite/fsync on the file, flock(2) for the
 * lock, and for snapshot mode an in-memory overlay of 64 KiB chunks, each with a bitmap of
 * the sectors written into it.
 */
#include "host/blockdev.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/shutdown.h"

#define CHUNK_SIZE    (64u << 10)
#define CHUNK_SECTORS (CHUNK_SIZE / BLOCKDEV_SECTOR)

struct chunk {
    uint64_t written[CHUNK_SECTORS / 64]; /* bit s: sector s of the chunk is in data */
    uint8_t data[CHUNK_SIZE];
};

struct blockdev {
    char *path;
    int fd;
    bool readonly, snapshot;
    bool io_error_reported;
    uint64_t size;
    struct chunk **chunks; /* snapshot overlay, size / CHUNK_SIZE (rounded up) entries */
    uint64_t nchunks;
};

static void flush_hook(void *opaque)
{
    struct blockdev *b = opaque;
    fsync(b->fd); /* async-signal-safe */
}

static bool parse_spec(const char *spec, struct blockdev *b, char *err, size_t errlen)
{
    const char *comma = strchr(spec, ',');
    size_t n = comma ? (size_t)(comma - spec) : strlen(spec);
    if (n == 0) {
        snprintf(err, errlen, "--drive '%s': no file name (FILE[,readonly][,snapshot])", spec);
        return false;
    }
    b->path = strndup(spec, n);
    if (!b->path) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    while (comma) {
        const char *opt = comma + 1;
        comma = strchr(opt, ',');
        size_t len = comma ? (size_t)(comma - opt) : strlen(opt);
        if ((len == 8 && strncmp(opt, "readonly", 8) == 0) ||
            (len == 2 && strncmp(opt, "ro", 2) == 0))
            b->readonly = true;
        else if (len == 8 && strncmp(opt, "snapshot", 8) == 0)
            b->snapshot = true;
        else {
            snprintf(err, errlen,
                     "--drive %s: unknown option '%.*s' (FILE[,readonly][,snapshot]; a file name "
                     "cannot hold a comma)",
                     spec, (int)len, opt);
            return false;
        }
    }
    return true;
}

struct blockdev *blockdev_open(const char *spec, char *err, size_t errlen)
{
    struct blockdev *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    b->fd = -1;
    if (!parse_spec(spec, b, err, errlen))
        goto fail;
    bool write = !b->readonly && !b->snapshot;
    b->fd = open(b->path, (write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (b->fd < 0) {
        int e = errno;
        snprintf(err, errlen, "--drive %s: %s%s", b->path, strerror(e),
                 write && (e == EACCES || e == EROFS)
                     ? " (add ,readonly or ,snapshot to use it without writing)"
                     : "");
        goto fail;
    }
    struct stat st;
    if (fstat(b->fd, &st) != 0 || (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) {
        snprintf(err, errlen, "--drive %s: not a regular file or block device", b->path);
        goto fail;
    }
    off_t end = lseek(b->fd, 0, SEEK_END);
    if (end < 0) {
        snprintf(err, errlen, "--drive %s: cannot find its size: %s", b->path, strerror(errno));
        goto fail;
    }
    b->size = (uint64_t)end;
    if (b->size % BLOCKDEV_SECTOR) {
        snprintf(err, errlen,
                 "--drive %s: %" PRIu64 " bytes is not a whole number of 512-byte sectors "
                 "(pad it, e.g. truncate -s %%512 %s)",
                 b->path, b->size, b->path);
        goto fail;
    }
    /* Writers exclusive, readers shared: two runs never write one image at once, and an
     * image being written is not read as a snapshot half-way. */
    if (flock(b->fd, (write ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            snprintf(err, errlen,
                     "--drive %s: in use by another program (it holds a lock on it); "
                     "%s",
                     b->path,
                     write ? "add ,snapshot or ,readonly to share it without writing"
                           : "another program is writing it");
        else
            snprintf(err, errlen, "--drive %s: cannot lock it: %s", b->path, strerror(errno));
        goto fail;
    }
    if (b->snapshot) {
        b->nchunks = (b->size + CHUNK_SIZE - 1) / CHUNK_SIZE;
        b->chunks = calloc(b->nchunks ? b->nchunks : 1, sizeof *b->chunks);
        if (!b->chunks) {
            snprintf(err, errlen, "--drive %s: out of memory for the snapshot", b->path);
            goto fail;
        }
    }
    if (write && !shutdown_add(flush_hook, b)) {
        snprintf(err, errlen, "--drive %s: too many drives", b->path);
        goto fail;
    }
    return b;
fail:
    if (b->fd >= 0)
        close(b->fd);
    free(b->chunks);
    free(b->path);
    free(b);
    return NULL;
}

void blockdev_close(struct blockdev *b)
{
    if (!b)
        return;
    if (!b->readonly && !b->snapshot) {
        shutdown_remove(flush_hook, b);
        blockdev_flush(b);
    }
    close(b->fd); /* releases the lock */
    for (uint64_t k = 0; k < b->nchunks; k++)
        free(b->chunks[k]);
    free(b->chunks);
    free(b->path);
    free(b);
}

uint64_t blockdev_size(const struct blockdev *b)
{
    return b->size;
}

bool blockdev_readonly(const struct blockdev *b)
{
    return b->readonly;
}

bool blockdev_snapshot(const struct blockdev *b)
{
    return b->snapshot;
}

const char *blockdev_path(const struct blockdev *b)
{
    return b->path;
}

static bool io_failed(struct blockdev *b, const char *what, uint64_t off)
{
    if (!b->io_error_reported) {
        b->io_error_reported = true;
        fprintf(stderr, "hartlab: --drive %s: %s at byte %" PRIu64 " failed: %s\n", b->path, what,
                off, errno ? strerror(errno) : "end of file");
    }
    return false;
}

static bool file_read(struct blockdev *b, uint64_t off, uint8_t *buf, uint64_t len)
{
    while (len > 0) {
        errno = 0;
        ssize_t n = pread(b->fd, buf, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return io_failed(b, "reading", off);
        buf += n;
        off += (uint64_t)n;
        len -= (uint64_t)n;
    }
    return true;
}

static bool file_write(struct blockdev *b, uint64_t off, const uint8_t *buf, uint64_t len)
{
    while (len > 0) {
        errno = 0;
        ssize_t n = pwrite(b->fd, buf, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return io_failed(b, "writing", off);
        buf += n;
        off += (uint64_t)n;
        len -= (uint64_t)n;
    }
    return true;
}

static bool sector_written(const struct chunk *c, unsigned s)
{
    return c && (c->written[s / 64] >> (s % 64)) & 1;
}

bool blockdev_read(struct blockdev *b, uint64_t off, void *buf, uint64_t len)
{
    if (!b->snapshot)
        return file_read(b, off, buf, len);
    /* Sector by sector from the overlay where written, runs of the rest from the file. */
    uint8_t *p = buf;
    while (len > 0) {
        uint64_t ck = off / CHUNK_SIZE;
        unsigned s = (unsigned)(off % CHUNK_SIZE / BLOCKDEV_SECTOR);
        uint64_t in = off % BLOCKDEV_SECTOR;
        uint64_t n = BLOCKDEV_SECTOR - in < len ? BLOCKDEV_SECTOR - in : len;
        const struct chunk *c = ck < b->nchunks ? b->chunks[ck] : NULL;
        if (sector_written(c, s))
            memcpy(p, c->data + off % CHUNK_SIZE, n);
        else if (!file_read(b, off, p, n))
            return false;
        p += n;
        off += n;
        len -= n;
    }
    return true;
}

bool blockdev_write(struct blockdev *b, uint64_t off, const void *buf, uint64_t len)
{
    if (b->readonly)
        return false;
    if (!b->snapshot)
        return file_write(b, off, buf, len);
    const uint8_t *p = buf;
    while (len > 0) {
        uint64_t ck = off / CHUNK_SIZE;
        unsigned s = (unsigned)(off % CHUNK_SIZE / BLOCKDEV_SECTOR);
        uint64_t in = off % BLOCKDEV_SECTOR;
        uint64_t n = BLOCKDEV_SECTOR - in < len ? BLOCKDEV_SECTOR - in : len;
        if (ck >= b->nchunks)
            return false;
        struct chunk *c = b->chunks[ck];
        if (!c) {
            c = b->chunks[ck] = calloc(1, sizeof *c);
            if (!c)
                return false;
        }
        if (!sector_written(c, s)) {
            /* A partial sector keeps the rest of the file's bytes. */
            uint64_t sector = off - in;
            if ((in || n < BLOCKDEV_SECTOR) &&
                !file_read(b, sector, c->data + sector % CHUNK_SIZE, BLOCKDEV_SECTOR))
                return false;
            c->written[s / 64] |= 1ull << (s % 64);
        }
        memcpy(c->data + off % CHUNK_SIZE, p, n);
        p += n;
        off += n;
        len -= n;
    }
    return true;
}

bool blockdev_flush(struct blockdev *b)
{
    if (b->readonly || b->snapshot)
        return true;
    if (fsync(b->fd) != 0 && errno != EINVAL)
        return io_failed(b, "flushing", 0);
    return true;
}
