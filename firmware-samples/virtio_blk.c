/* virtio_blk: a bare-metal virtio-blk and virtio-rng driver, written from the virtio 1.2
 * specification (4.2 "Virtio Over MMIO", 3.1 "Device Initialization", 2.7 "Split
 * Virtqueues", 5.2 "Block Device", 5.4 "Entropy Device").
 *
 * It looks at the 8 virtio-mmio slots of the virt board (0x10001000 + 0x1000 k, PLIC
 * source k + 1), initialises the first block device and the first entropy device (modern
 * interface, version 2, accepting VERSION_1 and INDIRECT_DESC), and then, waiting for each
 * completion with wfi until the device's interrupt arrives through the PLIC:
 *  - reads sector 0 and checks the pattern the test image holds (tests/firmware/mkdisk.py:
 *    byte i of sector s is (s * 7 + i) & 0xff, after a "hartlab-disk" label in sector 0);
 *  - reads a boot counter from sector 1, prints it, and writes it back plus one (so two
 *    runs on one writable image print 1 and then 2; a snapshot drive always prints 1);
 *  - writes two sectors with a new pattern through an indirect descriptor table, reads
 *    them back and compares;
 *  - flushes, asks for the device ID, and reads past the end of the disk (VIRTIO_BLK_S_IOERR);
 *  - takes 16 bytes from the entropy device (the same every run with --rng-seed 0).
 * Each request's latency in mcycle is printed: hartlab's virtio timing is virtual and
 * deterministic (docs/usage.md), so the output is the same in every run.
 *
 * Run it: hartlab --drive disk.img,snapshot build/firmware-samples/virtio_blk-rv64.elf
 */
#include "bsp/bsp.h"

#define SLOTS        8u
#define SLOT_BASE(k) (0x10001000ul + 0x1000ul * (k))
#define SLOT_IRQ(k)  (1u + (k))
#define REG(b, off)  MMIO32((b) + (off))

/* MMIO registers (4.2.2). */
#define MAGIC_VALUE     0x000u
#define VERSION         0x004u
#define DEVICE_ID       0x008u
#define DEVICE_FEATURES 0x010u
#define DEVICE_FEAT_SEL 0x014u
#define DRIVER_FEATURES 0x020u
#define DRIVER_FEAT_SEL 0x024u
#define QUEUE_SEL       0x030u
#define QUEUE_NUM_MAX   0x034u
#define QUEUE_NUM       0x038u
#define QUEUE_READY     0x044u
#define QUEUE_NOTIFY    0x050u
#define INT_STATUS      0x060u
#define INT_ACK         0x064u
#define STATUS          0x070u
#define QUEUE_DESC      0x080u
#define QUEUE_DRIVER    0x090u
#define QUEUE_DEVICE    0x0a0u
#define CONFIG          0x100u

#define S_ACKNOWLEDGE 1u
#define S_DRIVER      2u
#define S_DRIVER_OK   4u
#define S_FEATURES_OK 8u

#define F_INDIRECT_DESC 28u
#define F_VERSION_1     32u
#define D_NEXT          1u
#define D_WRITE         2u
#define D_INDIRECT      4u

#define BLK_T_IN     0u
#define BLK_T_OUT    1u
#define BLK_T_FLUSH  4u
#define BLK_T_GET_ID 8u

#define QSIZE 8u

struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};
struct avail {
    uint16_t flags, idx, ring[QSIZE], used_event;
};
struct used {
    uint16_t flags, idx;
    struct {
        uint32_t id, len;
    } ring[QSIZE];
    uint16_t avail_event;
};

struct vq {
    unsigned slot;
    struct desc desc[QSIZE] __attribute__((aligned(16)));
    struct avail avail __attribute__((aligned(4)));
    struct used used __attribute__((aligned(4)));
    uint16_t seen; /* used.idx as far as we have looked */
};

struct blk_hdr {
    uint32_t type, reserved;
    uint64_t sector;
};

static struct vq blkq, rngq;
static struct desc table[4] __attribute__((aligned(16))); /* an indirect table */
static struct blk_hdr hdr;
static volatile uint8_t status;
static uint8_t buf[1024], back[1024];
static volatile unsigned irqs;
static volatile uint64_t irq_mcycle;

#define mb() __asm__ volatile("fence rw, rw" ::: "memory")

__attribute__((interrupt("machine"), aligned(4))) static void trap_handler(void)
{
    BSP_TRAP_CFI();
    unsigned long cause = csr_read(mcause);
    if (cause != (MCAUSE_INTERRUPT | IRQ_M_EXT)) {
        uprintf("\nunexpected trap: mcause 0x%lx, mepc 0x%lx\n", cause, csr_read(mepc));
        bsp_exit(BSP_EXIT_UNEXPECTED_TRAP);
    }
    unsigned src = plic_claim();
    if (src >= 1 && src <= SLOTS) {
        unsigned long b = SLOT_BASE(src - 1);
        REG(b, INT_ACK) = REG(b, INT_STATUS); /* lowers the line */
        irq_mcycle = read_mcycle();
        irqs++;
    }
    plic_complete(src);
}

static void set64(unsigned long b, unsigned reg, uint64_t v)
{
    REG(b, reg) = (uint32_t)v;
    REG(b, reg + 4) = (uint32_t)(v >> 32);
}

/* 3.1.1: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK, queue 0, DRIVER_OK. */
static int device_init(struct vq *q, unsigned slot, uint64_t want)
{
    unsigned long b = SLOT_BASE(slot);
    q->slot = slot;
    REG(b, STATUS) = 0;
    REG(b, STATUS) = S_ACKNOWLEDGE;
    REG(b, STATUS) = S_ACKNOWLEDGE | S_DRIVER;
    REG(b, DEVICE_FEAT_SEL) = 0;
    uint64_t f = REG(b, DEVICE_FEATURES);
    REG(b, DEVICE_FEAT_SEL) = 1;
    f |= (uint64_t)REG(b, DEVICE_FEATURES) << 32;
    if ((f & want) != want) {
        uprintf("slot %u: features 0x%llx lack 0x%llx\n", slot, (unsigned long long)f,
                (unsigned long long)want);
        return -1;
    }
    REG(b, DRIVER_FEAT_SEL) = 0;
    REG(b, DRIVER_FEATURES) = (uint32_t)want;
    REG(b, DRIVER_FEAT_SEL) = 1;
    REG(b, DRIVER_FEATURES) = (uint32_t)(want >> 32);
    REG(b, STATUS) = S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK;
    if (!(REG(b, STATUS) & S_FEATURES_OK)) {
        uprintf("slot %u: FEATURES_OK refused\n", slot);
        return -1;
    }
    REG(b, QUEUE_SEL) = 0;
    if (REG(b, QUEUE_NUM_MAX) < QSIZE)
        return -1;
    REG(b, QUEUE_NUM) = QSIZE;
    set64(b, QUEUE_DESC, (uintptr_t)q->desc);
    set64(b, QUEUE_DRIVER, (uintptr_t)&q->avail);
    set64(b, QUEUE_DEVICE, (uintptr_t)&q->used);
    REG(b, QUEUE_READY) = 1;
    REG(b, STATUS) = S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK;
    plic_enable(SLOT_IRQ(slot), 1);
    return 0;
}

/* Make chain `head` available, notify, and sleep until its used entry appears. Returns
 * the used length; *cycles is mcycle from the notify to the interrupt. */
static uint32_t submit(struct vq *q, uint16_t head, uint64_t *cycles)
{
    q->avail.ring[q->avail.idx % QSIZE] = head;
    mb();
    q->avail.idx++;
    mb();
    unsigned before = irqs;
    uint64_t start = read_mcycle();
    REG(SLOT_BASE(q->slot), QUEUE_NOTIFY) = 0;
    csr_clear(mstatus, MSTATUS_MIE);
    while (irqs == before) {
        wfi();
        csr_set(mstatus, MSTATUS_MIE);
        csr_clear(mstatus, MSTATUS_MIE);
    }
    csr_set(mstatus, MSTATUS_MIE);
    mb();
    *cycles = irq_mcycle - start;
    uint16_t at = q->seen++ % QSIZE;
    if (q->used.idx != q->seen || q->used.ring[at].id != head)
        uprintf("unexpected used ring: idx %u, id %u\n", q->used.idx,
                (unsigned)q->used.ring[at].id);
    return q->used.ring[at].len;
}

/* A block request: header, optional data, status, as three direct descriptors. */
static uint8_t blk_request(uint32_t type, uint64_t sector, void *data, uint32_t len, bool write,
                           const char *what)
{
    hdr.type = type;
    hdr.reserved = 0;
    hdr.sector = sector;
    status = 0xff;
    struct desc *d = blkq.desc;
    unsigned n = 0;
    d[n] = (struct desc){ (uintptr_t)&hdr, sizeof hdr, D_NEXT, (uint16_t)(n + 1) };
    n++;
    if (len) {
        uint16_t flags = (uint16_t)(D_NEXT | (write ? 0 : D_WRITE));
        d[n] = (struct desc){ (uintptr_t)data, len, flags, (uint16_t)(n + 1) };
        n++;
    }
    d[n] = (struct desc){ (uintptr_t)&status, 1, D_WRITE, 0 };
    uint64_t c;
    uint32_t used = submit(&blkq, 0, &c);
    uprintf("%s: status %u, used %u bytes, %llu cycles\n", what, status, (unsigned)used,
            (unsigned long long)c);
    return status;
}

static int check_pattern(const uint8_t *p, unsigned sector, unsigned from, unsigned len)
{
    for (unsigned i = from; i < len; i++)
        if (p[i] != (uint8_t)(sector * 7 + i)) {
            uprintf("sector %u byte %u is 0x%x, expected 0x%x\n", sector, i, p[i],
                    (uint8_t)(sector * 7 + i));
            return -1;
        }
    return 0;
}

int main(void)
{
    uart_init();
    csr_write(mtvec, (unsigned long)trap_handler | MTVEC_MODE_DIRECT);
    plic_set_threshold(0);
    csr_set(mie, MIE_MEIE);
    csr_set(mstatus, MSTATUS_MIE);

    int blk = -1, rng = -1;
    for (unsigned k = 0; k < SLOTS; k++) {
        unsigned long b = SLOT_BASE(k);
        uint32_t id = REG(b, DEVICE_ID);
        uprintf("slot %u at 0x%lx: magic 0x%x version %u device %u\n", k, b,
                (unsigned)REG(b, MAGIC_VALUE), (unsigned)REG(b, VERSION), (unsigned)id);
        if (id == 2 && blk < 0)
            blk = (int)k;
        if (id == 4 && rng < 0)
            rng = (int)k;
    }
    if (blk < 0) {
        uprintf("no virtio-blk device: run with --drive FILE\n");
        return 1;
    }
    if (device_init(&blkq, (unsigned)blk, 1ull << F_VERSION_1 | 1ull << F_INDIRECT_DESC))
        return 2;
    unsigned long b = SLOT_BASE(blk);
    uint64_t capacity = REG(b, CONFIG) | (uint64_t)REG(b, CONFIG + 4) << 32;
    uprintf("virtio-blk in slot %d: %llu sectors of 512 bytes\n", blk,
            (unsigned long long)capacity);

    int bad = 0;
    if (blk_request(BLK_T_IN, 0, buf, 512, false, "read sector 0") != 0)
        bad++;
    buf[15] = 0;
    uprintf("sector 0 label: \"%s\"\n", (char *)buf);
    bad += check_pattern(buf, 0, 16, 512) != 0;

    blk_request(BLK_T_IN, 1, buf, 512, false, "read sector 1");
    uint32_t boots = buf[0] | buf[1] << 8 | buf[2] << 16 | (uint32_t)buf[3] << 24;
    boots = boots == 0x0a090807 ? 1 : boots + 1; /* the image's pattern: never booted */
    uprintf("boot count %u\n", (unsigned)boots);
    for (unsigned i = 0; i < 4; i++)
        buf[i] = (uint8_t)(boots >> (8 * i));
    bad += blk_request(BLK_T_OUT, 1, buf, 512, true, "write sector 1") != 0;

    /* Sectors 2 and 3 through an indirect table: header, data, status. */
    for (unsigned i = 0; i < 1024; i++)
        buf[i] = (uint8_t)(i * 13 + boots);
    hdr = (struct blk_hdr){ BLK_T_OUT, 0, 2 };
    status = 0xff;
    table[0] = (struct desc){ (uintptr_t)&hdr, sizeof hdr, D_NEXT, 1 };
    table[1] = (struct desc){ (uintptr_t)buf, 1024, D_NEXT, 2 };
    table[2] = (struct desc){ (uintptr_t)&status, 1, D_WRITE, 0 };
    blkq.desc[0] = (struct desc){ (uintptr_t)table, 3 * sizeof table[0], D_INDIRECT, 0 };
    uint64_t c;
    uint32_t used = submit(&blkq, 0, &c);
    uprintf("%s: status %u, used %u bytes, %llu cycles\n", "write sectors 2-3 (indirect)", status,
            (unsigned)used, (unsigned long long)c);
    bad += status != 0;
    bad += blk_request(BLK_T_IN, 2, back, 1024, false, "read sectors 2-3") != 0;
    for (unsigned i = 0; i < 1024; i++)
        if (back[i] != buf[i]) {
            uprintf("sectors 2-3 differ at byte %u\n", i);
            bad++;
            break;
        }
    bad += blk_request(BLK_T_FLUSH, 0, 0, 0, false, "flush") != 0;
    for (unsigned i = 0; i < 21; i++)
        buf[i] = 0;
    bad += blk_request(BLK_T_GET_ID, 0, buf, 20, false, "get id") != 0;
    uprintf("device id: \"%s\"\n", (char *)buf);
    if (blk_request(BLK_T_IN, capacity, buf, 512, false, "read past the end") != 1) {
        uprintf("reading past the end did not fail with IOERR\n");
        bad++;
    }

    if (rng >= 0 && device_init(&rngq, (unsigned)rng, 1ull << F_VERSION_1) == 0) {
        uint8_t r[16];
        rngq.desc[0] = (struct desc){ (uintptr_t)r, sizeof r, D_WRITE, 0 };
        used = submit(&rngq, 0, &c);
        uprintf("virtio-rng in slot %d: %u bytes in %llu cycles:", rng, (unsigned)used,
                (unsigned long long)c);
        for (unsigned i = 0; i < used && i < sizeof r; i++)
            uprintf(" %02x", r[i]);
        uprintf("\n");
    }
    uprintf("%u interrupts; %s\n", irqs, bad ? "FAILED" : "all checks passed");
#ifdef HOLD
    /* tests/virtio: keep running (holding the image) until the host stops hartlab, in a
     * loop that counts: one that changes nothing (a nop and a jump) with every interrupt
     * disabled is a hang, which hartlab ends at once with status 125. */
    uprintf("holding\n");
    for (volatile unsigned long spins = 0;; spins++)
        ;
#endif
    return bad ? 1 : 0;
}
