/* hello: the first sample firmware. Prints a greeting, the XLEN it was built for and the
 * one the hart reports, and decodes the machine ISA register (misa, RISC-V Privileged
 * Architecture section 3.1.1) into the usual "rv64imac" spelling. Output goes through
 * picolibc's semihosting stdio; the return value of main is the exit status. */
#include <stdint.h>
#include <stdio.h>

static unsigned long read_misa(void)
{
    unsigned long v;
    /* Zicsr is named so the assembler accepts csrr with the plain rv32imac multilib. */
    __asm__ volatile(".option push\n.option arch, +zicsr\ncsrr %0, misa\n.option pop" : "=r"(v));
    return v;
}

static unsigned long read_mhartid(void)
{
    unsigned long v;
    __asm__ volatile(".option push\n.option arch, +zicsr\ncsrr %0, mhartid\n.option pop" : "=r"(v));
    return v;
}

int main(void)
{
    const unsigned xlen = sizeof(unsigned long) * 8;
    unsigned long misa = read_misa();
    /* MXL sits in the two most significant bits of misa: 1 = 32, 2 = 64, 3 = 128. */
    unsigned mxl = (unsigned)(misa >> (xlen - 2));
    char isa[40];
    int n = 0;

    printf("Hello from hartlab!\n");
    printf("built for XLEN %u, running on hart %lu\n", xlen, read_mhartid());
    if (misa == 0) {
        printf("misa is 0: this hart does not report its ISA\n");
        return 0;
    }
    n = snprintf(isa, sizeof isa, "rv%u", 16u << mxl);
    /* Canonical order puts the base first (I or E), then the standard extensions. */
    for (const char *p = "IEMAFDQCBVHSU"; *p && n < (int)sizeof isa - 1; p++) {
        if (misa & (1ul << (*p - 'A')))
            isa[n++] = (char)(*p - 'A' + 'a');
    }
    isa[n] = '\0';
    printf("misa = 0x%0*lx: %s\n", (int)(xlen / 4), misa, isa);
    printf("  M-mode%s%s\n", (misa & (1ul << ('S' - 'A'))) ? " + S-mode" : "",
           (misa & (1ul << ('U' - 'A'))) ? " + U-mode" : "");
    return 0;
}
