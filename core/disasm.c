/* The disassembler: prints decoded instructions as GNU objdump (binutils 2.40) does, driven
 * by the instruction table (core/insns.def) and the operands the decoder extracted.
 *
 * A compressed row carries the operands of the base instruction it expands to (RISC-V
 * Unprivileged ISA chapter 16), so it is printed through its base row, as objdump does
 * (`c.mv` prints as `mv`, `c.jr ra` as `ret`). Printing is one function per operand format of
 * the base row, after an alias step that picks the pseudo-instructions of the assembly
 * programmer's handbook (Unprivileged ISA chapter 25, tables "RISC-V pseudoinstructions"
 * and "Pseudoinstructions for accessing control and status registers") where objdump does.
 * Register names are the ABI names of the RISC-V psABI; CSR names those of the Privileged
 * Architecture "CSR Listing". Trap causes are named as in the Privileged Architecture's
 * mcause table, with what tval holds for each (section 3.1.16, "Machine Trap Value").
 */
#include "core/disasm.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/csr.h"
#include "core/hart.h"

/* Fields of FENCE that are reserved for future use (Unprivileged ISA 2.7): the hart executes
 * such encodings as a plain fence, but objdump only knows the canonical ones. */
#define FENCE_FM_SHIFT 28
#define FENCE_RS1_RD   0x000f8f80u
#define FENCE_TSO      0x8330000fu

static const char *const abi_names[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

const char *disasm_reg_name(unsigned reg)
{
    return reg < 32 ? abi_names[reg] : "zero";
}

/* f registers by their psABI names. */
static const char *const fabi_names[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4",  "ft5",  "ft6", "ft7", "fs0",  "fs1",  "fa0",
    "fa1", "fa2", "fa3", "fa4", "fa5",  "fa6",  "fa7", "fs2", "fs3",  "fs4",  "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

static const char *freg(unsigned r)
{
    return fabi_names[r & 31];
}

/* The rounding-mode operand as objdump prints it: nothing for DYN, "unknown" for the
 * reserved 5 and 6. */
static const char *rm_suffix(int64_t rm)
{
    static const char *const s[8] = {
        ",rne", ",rtz", ",rdn", ",rup", ",rmm", ",unknown", ",unknown", "",
    };
    return s[rm & 7];
}

/* CSR names as objdump prints them (binutils 2.40, Privileged Architecture 1.12 names):
 * the Privileged Architecture "CSR Listing" plus the extensions binutils knows (hypervisor,
 * vector, AIA, state enable, debug). Sorted by number. */
static const struct {
    uint16_t csr;
    const char *name;
} csr_names[] = {
    { CSR_FFLAGS, "fflags" },
    { CSR_FRM, "frm" },
    { CSR_FCSR, "fcsr" },
    { 0x008, "vstart" },
    { 0x009, "vxsat" },
    { 0x00a, "vxrm" },
    { 0x00f, "vcsr" },
    { 0x015, "seed" },
    { CSR_SSTATUS, "sstatus" },
    { CSR_SIE, "sie" },
    { CSR_STVEC, "stvec" },
    { CSR_SCOUNTEREN, "scounteren" },
    { CSR_SENVCFG, "senvcfg" },
    { 0x10c, "sstateen0" },
    { 0x10d, "sstateen1" },
    { 0x10e, "sstateen2" },
    { 0x10f, "sstateen3" },
    { 0x114, "sieh" },
    { CSR_SSCRATCH, "sscratch" },
    { CSR_SEPC, "sepc" },
    { CSR_SCAUSE, "scause" },
    { CSR_STVAL, "stval" },
    { CSR_SIP, "sip" },
    { 0x14d, "stimecmp" },
    { 0x150, "siselect" },
    { 0x151, "sireg" },
    { 0x154, "siph" },
    { 0x15c, "stopei" },
    { 0x15d, "stimecmph" },
    { CSR_SATP, "satp" },
    { 0x200, "vsstatus" },
    { 0x204, "vsie" },
    { 0x205, "vstvec" },
    { 0x214, "vsieh" },
    { 0x240, "vsscratch" },
    { 0x241, "vsepc" },
    { 0x242, "vscause" },
    { 0x243, "vstval" },
    { 0x244, "vsip" },
    { 0x24d, "vstimecmp" },
    { 0x250, "vsiselect" },
    { 0x251, "vsireg" },
    { 0x254, "vsiph" },
    { 0x25c, "vstopei" },
    { 0x25d, "vstimecmph" },
    { 0x280, "vsatp" },
    { CSR_MSTATUS, "mstatus" },
    { CSR_MISA, "misa" },
    { CSR_MEDELEG, "medeleg" },
    { CSR_MIDELEG, "mideleg" },
    { CSR_MIE, "mie" },
    { CSR_MTVEC, "mtvec" },
    { CSR_MCOUNTEREN, "mcounteren" },
    { 0x308, "mvien" },
    { 0x309, "mvip" },
    { CSR_MENVCFG, "menvcfg" },
    { 0x30c, "mstateen0" },
    { 0x30d, "mstateen1" },
    { 0x30e, "mstateen2" },
    { 0x30f, "mstateen3" },
    { CSR_MSTATUSH, "mstatush" },
    { 0x313, "midelegh" },
    { 0x314, "mieh" },
    { 0x318, "mvienh" },
    { 0x319, "mviph" },
    { CSR_MENVCFGH, "menvcfgh" },
    { 0x31c, "mstateen0h" },
    { 0x31d, "mstateen1h" },
    { 0x31e, "mstateen2h" },
    { 0x31f, "mstateen3h" },
    { CSR_MCOUNTINHIBIT, "mcountinhibit" },
    { CSR_MHPMEVENT3, "mhpmevent3" },
    { 0x324, "mhpmevent4" },
    { 0x325, "mhpmevent5" },
    { 0x326, "mhpmevent6" },
    { 0x327, "mhpmevent7" },
    { 0x328, "mhpmevent8" },
    { 0x329, "mhpmevent9" },
    { 0x32a, "mhpmevent10" },
    { 0x32b, "mhpmevent11" },
    { 0x32c, "mhpmevent12" },
    { 0x32d, "mhpmevent13" },
    { 0x32e, "mhpmevent14" },
    { 0x32f, "mhpmevent15" },
    { 0x330, "mhpmevent16" },
    { 0x331, "mhpmevent17" },
    { 0x332, "mhpmevent18" },
    { 0x333, "mhpmevent19" },
    { 0x334, "mhpmevent20" },
    { 0x335, "mhpmevent21" },
    { 0x336, "mhpmevent22" },
    { 0x337, "mhpmevent23" },
    { 0x338, "mhpmevent24" },
    { 0x339, "mhpmevent25" },
    { 0x33a, "mhpmevent26" },
    { 0x33b, "mhpmevent27" },
    { 0x33c, "mhpmevent28" },
    { 0x33d, "mhpmevent29" },
    { 0x33e, "mhpmevent30" },
    { CSR_MHPMEVENT31, "mhpmevent31" },
    { CSR_MSCRATCH, "mscratch" },
    { CSR_MEPC, "mepc" },
    { CSR_MCAUSE, "mcause" },
    { CSR_MTVAL, "mtval" },
    { CSR_MIP, "mip" },
    { 0x34a, "mtinst" },
    { 0x34b, "mtval2" },
    { 0x350, "miselect" },
    { 0x351, "mireg" },
    { 0x354, "miph" },
    { 0x35c, "mtopei" },
    { CSR_PMPCFG0, "pmpcfg0" },
    { 0x3a1, "pmpcfg1" },
    { 0x3a2, "pmpcfg2" },
    { 0x3a3, "pmpcfg3" },
    { 0x3a4, "pmpcfg4" },
    { 0x3a5, "pmpcfg5" },
    { 0x3a6, "pmpcfg6" },
    { 0x3a7, "pmpcfg7" },
    { 0x3a8, "pmpcfg8" },
    { 0x3a9, "pmpcfg9" },
    { 0x3aa, "pmpcfg10" },
    { 0x3ab, "pmpcfg11" },
    { 0x3ac, "pmpcfg12" },
    { 0x3ad, "pmpcfg13" },
    { 0x3ae, "pmpcfg14" },
    { CSR_PMPCFG15, "pmpcfg15" },
    { CSR_PMPADDR0, "pmpaddr0" },
    { 0x3b1, "pmpaddr1" },
    { 0x3b2, "pmpaddr2" },
    { 0x3b3, "pmpaddr3" },
    { 0x3b4, "pmpaddr4" },
    { 0x3b5, "pmpaddr5" },
    { 0x3b6, "pmpaddr6" },
    { 0x3b7, "pmpaddr7" },
    { 0x3b8, "pmpaddr8" },
    { 0x3b9, "pmpaddr9" },
    { 0x3ba, "pmpaddr10" },
    { 0x3bb, "pmpaddr11" },
    { 0x3bc, "pmpaddr12" },
    { 0x3bd, "pmpaddr13" },
    { 0x3be, "pmpaddr14" },
    { 0x3bf, "pmpaddr15" },
    { 0x3c0, "pmpaddr16" },
    { 0x3c1, "pmpaddr17" },
    { 0x3c2, "pmpaddr18" },
    { 0x3c3, "pmpaddr19" },
    { 0x3c4, "pmpaddr20" },
    { 0x3c5, "pmpaddr21" },
    { 0x3c6, "pmpaddr22" },
    { 0x3c7, "pmpaddr23" },
    { 0x3c8, "pmpaddr24" },
    { 0x3c9, "pmpaddr25" },
    { 0x3ca, "pmpaddr26" },
    { 0x3cb, "pmpaddr27" },
    { 0x3cc, "pmpaddr28" },
    { 0x3cd, "pmpaddr29" },
    { 0x3ce, "pmpaddr30" },
    { 0x3cf, "pmpaddr31" },
    { 0x3d0, "pmpaddr32" },
    { 0x3d1, "pmpaddr33" },
    { 0x3d2, "pmpaddr34" },
    { 0x3d3, "pmpaddr35" },
    { 0x3d4, "pmpaddr36" },
    { 0x3d5, "pmpaddr37" },
    { 0x3d6, "pmpaddr38" },
    { 0x3d7, "pmpaddr39" },
    { 0x3d8, "pmpaddr40" },
    { 0x3d9, "pmpaddr41" },
    { 0x3da, "pmpaddr42" },
    { 0x3db, "pmpaddr43" },
    { 0x3dc, "pmpaddr44" },
    { 0x3dd, "pmpaddr45" },
    { 0x3de, "pmpaddr46" },
    { 0x3df, "pmpaddr47" },
    { 0x3e0, "pmpaddr48" },
    { 0x3e1, "pmpaddr49" },
    { 0x3e2, "pmpaddr50" },
    { 0x3e3, "pmpaddr51" },
    { 0x3e4, "pmpaddr52" },
    { 0x3e5, "pmpaddr53" },
    { 0x3e6, "pmpaddr54" },
    { 0x3e7, "pmpaddr55" },
    { 0x3e8, "pmpaddr56" },
    { 0x3e9, "pmpaddr57" },
    { 0x3ea, "pmpaddr58" },
    { 0x3eb, "pmpaddr59" },
    { 0x3ec, "pmpaddr60" },
    { 0x3ed, "pmpaddr61" },
    { 0x3ee, "pmpaddr62" },
    { CSR_PMPADDR63, "pmpaddr63" },
    { 0x5a8, "scontext" },
    { 0x600, "hstatus" },
    { 0x602, "hedeleg" },
    { 0x603, "hideleg" },
    { 0x604, "hie" },
    { 0x605, "htimedelta" },
    { 0x606, "hcounteren" },
    { 0x607, "hgeie" },
    { 0x608, "hvien" },
    { 0x609, "hvictl" },
    { 0x60a, "henvcfg" },
    { 0x60c, "hstateen0" },
    { 0x60d, "hstateen1" },
    { 0x60e, "hstateen2" },
    { 0x60f, "hstateen3" },
    { 0x613, "hidelegh" },
    { 0x615, "htimedeltah" },
    { 0x618, "hvienh" },
    { 0x61a, "henvcfgh" },
    { 0x61c, "hstateen0h" },
    { 0x61d, "hstateen1h" },
    { 0x61e, "hstateen2h" },
    { 0x61f, "hstateen3h" },
    { 0x643, "htval" },
    { 0x644, "hip" },
    { 0x645, "hvip" },
    { 0x646, "hviprio1" },
    { 0x647, "hviprio2" },
    { 0x64a, "htinst" },
    { 0x655, "hviph" },
    { 0x656, "hviprio1h" },
    { 0x657, "hviprio2h" },
    { 0x680, "hgatp" },
    { 0x6a8, "hcontext" },
    { 0x723, "mhpmevent3h" },
    { 0x724, "mhpmevent4h" },
    { 0x725, "mhpmevent5h" },
    { 0x726, "mhpmevent6h" },
    { 0x727, "mhpmevent7h" },
    { 0x728, "mhpmevent8h" },
    { 0x729, "mhpmevent9h" },
    { 0x72a, "mhpmevent10h" },
    { 0x72b, "mhpmevent11h" },
    { 0x72c, "mhpmevent12h" },
    { 0x72d, "mhpmevent13h" },
    { 0x72e, "mhpmevent14h" },
    { 0x72f, "mhpmevent15h" },
    { 0x730, "mhpmevent16h" },
    { 0x731, "mhpmevent17h" },
    { 0x732, "mhpmevent18h" },
    { 0x733, "mhpmevent19h" },
    { 0x734, "mhpmevent20h" },
    { 0x735, "mhpmevent21h" },
    { 0x736, "mhpmevent22h" },
    { 0x737, "mhpmevent23h" },
    { 0x738, "mhpmevent24h" },
    { 0x739, "mhpmevent25h" },
    { 0x73a, "mhpmevent26h" },
    { 0x73b, "mhpmevent27h" },
    { 0x73c, "mhpmevent28h" },
    { 0x73d, "mhpmevent29h" },
    { 0x73e, "mhpmevent30h" },
    { 0x73f, "mhpmevent31h" },
    { 0x747, "mseccfg" },
    { 0x757, "mseccfgh" },
    { CSR_TSELECT, "tselect" },
    { CSR_TDATA1, "tdata1" },
    { CSR_TDATA2, "tdata2" },
    { CSR_TDATA3, "tdata3" },
    { CSR_TINFO, "tinfo" },
    { 0x7a5, "tcontrol" },
    { 0x7a8, "mcontext" },
    { 0x7aa, "mscontext" },
    { 0x7b0, "dcsr" },
    { 0x7b1, "dpc" },
    { 0x7b2, "dscratch0" },
    { 0x7b3, "dscratch1" },
    { CSR_MCYCLE, "mcycle" },
    { CSR_MINSTRET, "minstret" },
    { CSR_MHPMCOUNTER3, "mhpmcounter3" },
    { 0xb04, "mhpmcounter4" },
    { 0xb05, "mhpmcounter5" },
    { 0xb06, "mhpmcounter6" },
    { 0xb07, "mhpmcounter7" },
    { 0xb08, "mhpmcounter8" },
    { 0xb09, "mhpmcounter9" },
    { 0xb0a, "mhpmcounter10" },
    { 0xb0b, "mhpmcounter11" },
    { 0xb0c, "mhpmcounter12" },
    { 0xb0d, "mhpmcounter13" },
    { 0xb0e, "mhpmcounter14" },
    { 0xb0f, "mhpmcounter15" },
    { 0xb10, "mhpmcounter16" },
    { 0xb11, "mhpmcounter17" },
    { 0xb12, "mhpmcounter18" },
    { 0xb13, "mhpmcounter19" },
    { 0xb14, "mhpmcounter20" },
    { 0xb15, "mhpmcounter21" },
    { 0xb16, "mhpmcounter22" },
    { 0xb17, "mhpmcounter23" },
    { 0xb18, "mhpmcounter24" },
    { 0xb19, "mhpmcounter25" },
    { 0xb1a, "mhpmcounter26" },
    { 0xb1b, "mhpmcounter27" },
    { 0xb1c, "mhpmcounter28" },
    { 0xb1d, "mhpmcounter29" },
    { 0xb1e, "mhpmcounter30" },
    { CSR_MHPMCOUNTER31, "mhpmcounter31" },
    { CSR_MCYCLEH, "mcycleh" },
    { CSR_MINSTRETH, "minstreth" },
    { CSR_MHPMCOUNTER3H, "mhpmcounter3h" },
    { 0xb84, "mhpmcounter4h" },
    { 0xb85, "mhpmcounter5h" },
    { 0xb86, "mhpmcounter6h" },
    { 0xb87, "mhpmcounter7h" },
    { 0xb88, "mhpmcounter8h" },
    { 0xb89, "mhpmcounter9h" },
    { 0xb8a, "mhpmcounter10h" },
    { 0xb8b, "mhpmcounter11h" },
    { 0xb8c, "mhpmcounter12h" },
    { 0xb8d, "mhpmcounter13h" },
    { 0xb8e, "mhpmcounter14h" },
    { 0xb8f, "mhpmcounter15h" },
    { 0xb90, "mhpmcounter16h" },
    { 0xb91, "mhpmcounter17h" },
    { 0xb92, "mhpmcounter18h" },
    { 0xb93, "mhpmcounter19h" },
    { 0xb94, "mhpmcounter20h" },
    { 0xb95, "mhpmcounter21h" },
    { 0xb96, "mhpmcounter22h" },
    { 0xb97, "mhpmcounter23h" },
    { 0xb98, "mhpmcounter24h" },
    { 0xb99, "mhpmcounter25h" },
    { 0xb9a, "mhpmcounter26h" },
    { 0xb9b, "mhpmcounter27h" },
    { 0xb9c, "mhpmcounter28h" },
    { 0xb9d, "mhpmcounter29h" },
    { 0xb9e, "mhpmcounter30h" },
    { CSR_MHPMCOUNTER31H, "mhpmcounter31h" },
    { CSR_CYCLE, "cycle" },
    { CSR_TIME, "time" },
    { CSR_INSTRET, "instret" },
    { CSR_HPMCOUNTER3, "hpmcounter3" },
    { 0xc04, "hpmcounter4" },
    { 0xc05, "hpmcounter5" },
    { 0xc06, "hpmcounter6" },
    { 0xc07, "hpmcounter7" },
    { 0xc08, "hpmcounter8" },
    { 0xc09, "hpmcounter9" },
    { 0xc0a, "hpmcounter10" },
    { 0xc0b, "hpmcounter11" },
    { 0xc0c, "hpmcounter12" },
    { 0xc0d, "hpmcounter13" },
    { 0xc0e, "hpmcounter14" },
    { 0xc0f, "hpmcounter15" },
    { 0xc10, "hpmcounter16" },
    { 0xc11, "hpmcounter17" },
    { 0xc12, "hpmcounter18" },
    { 0xc13, "hpmcounter19" },
    { 0xc14, "hpmcounter20" },
    { 0xc15, "hpmcounter21" },
    { 0xc16, "hpmcounter22" },
    { 0xc17, "hpmcounter23" },
    { 0xc18, "hpmcounter24" },
    { 0xc19, "hpmcounter25" },
    { 0xc1a, "hpmcounter26" },
    { 0xc1b, "hpmcounter27" },
    { 0xc1c, "hpmcounter28" },
    { 0xc1d, "hpmcounter29" },
    { 0xc1e, "hpmcounter30" },
    { CSR_HPMCOUNTER31, "hpmcounter31" },
    { 0xc20, "vl" },
    { 0xc21, "vtype" },
    { 0xc22, "vlenb" },
    { CSR_CYCLEH, "cycleh" },
    { CSR_TIMEH, "timeh" },
    { CSR_INSTRETH, "instreth" },
    { CSR_HPMCOUNTER3H, "hpmcounter3h" },
    { 0xc84, "hpmcounter4h" },
    { 0xc85, "hpmcounter5h" },
    { 0xc86, "hpmcounter6h" },
    { 0xc87, "hpmcounter7h" },
    { 0xc88, "hpmcounter8h" },
    { 0xc89, "hpmcounter9h" },
    { 0xc8a, "hpmcounter10h" },
    { 0xc8b, "hpmcounter11h" },
    { 0xc8c, "hpmcounter12h" },
    { 0xc8d, "hpmcounter13h" },
    { 0xc8e, "hpmcounter14h" },
    { 0xc8f, "hpmcounter15h" },
    { 0xc90, "hpmcounter16h" },
    { 0xc91, "hpmcounter17h" },
    { 0xc92, "hpmcounter18h" },
    { 0xc93, "hpmcounter19h" },
    { 0xc94, "hpmcounter20h" },
    { 0xc95, "hpmcounter21h" },
    { 0xc96, "hpmcounter22h" },
    { 0xc97, "hpmcounter23h" },
    { 0xc98, "hpmcounter24h" },
    { 0xc99, "hpmcounter25h" },
    { 0xc9a, "hpmcounter26h" },
    { 0xc9b, "hpmcounter27h" },
    { 0xc9c, "hpmcounter28h" },
    { 0xc9d, "hpmcounter29h" },
    { 0xc9e, "hpmcounter30h" },
    { CSR_HPMCOUNTER31H, "hpmcounter31h" },
    { 0xda0, "scountovf" },
    { 0xdb0, "stopi" },
    { 0xe12, "hgeip" },
    { 0xeb0, "vstopi" },
    { CSR_MVENDORID, "mvendorid" },
    { CSR_MARCHID, "marchid" },
    { CSR_MIMPID, "mimpid" },
    { CSR_MHARTID, "mhartid" },
    { CSR_MCONFIGPTR, "mconfigptr" },
    { 0xfb0, "mtopi" },
};

const char *disasm_csr_name(unsigned csr)
{
    size_t lo = 0, hi = sizeof csr_names / sizeof csr_names[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (csr_names[mid].csr == csr)
            return csr_names[mid].name;
        if (csr_names[mid].csr < csr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* An output buffer that truncates safely. */
struct out {
    char *p;
    size_t len, cap;
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
put(struct out *o, const char *fmt, ...)
{
    if (o->len >= o->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len = o->len + (size_t)n < o->cap ? o->len + (size_t)n : o->cap - 1;
}

static const char *reg(unsigned r)
{
    return disasm_reg_name(r);
}

static bool is_zero(unsigned r)
{
    return r == 0 || r == REG_SINK;
}

/* Branch/jump target, wrapped to XLEN as the hart computes it. */
static uint64_t target(const struct insn *ins, unsigned xlen)
{
    uint64_t t = ins->pc + (uint64_t)ins->imm;
    return xlen == 32 ? (uint32_t)t : t;
}

static void put_csr(struct out *o, unsigned csr)
{
    const char *name = disasm_csr_name(csr);
    if (name)
        put(o, "%s", name);
    else
        put(o, "0x%x", csr);
}

/* fence's predecessor/successor sets, "iorw" order (Unprivileged ISA 2.7); objdump calls
 * the empty set "unknown". */
static void put_fence_set(struct out *o, unsigned set)
{
    if (!set) {
        put(o, "unknown");
        return;
    }
    static const char letters[] = "iorw";
    for (unsigned i = 0; i < 4; i++)
        if (set & (8u >> i))
            put(o, "%c", letters[i]);
}

static const char *aqrl_suffix(int64_t aqrl)
{
    static const char *const s[4] = { "", ".rl", ".aq", ".aqrl" };
    return s[aqrl & 3];
}

/* The row whose mnemonic and operand format print a decoded instruction: compressed rows
 * print as the base instruction they expand to. */
static const struct insn_desc *base_desc(const struct insn *ins)
{
    return &insn_table[ins->sem < INSN_COUNT ? ins->sem : ins->id];
}

/* binutils 2.40 lists `add rd,rs1,imm`, `csrw csr,uimm`, ... as aliases of the immediate
 * forms, before the forms themselves, and its disassembler prints the first entry that
 * matches: so these immediate instructions print under the register form's name. */
static const struct {
    uint16_t sem;
    const char *name;
} imm_form_names[] = {
    { INSN_addi, "add" },     { INSN_andi, "and" },     { INSN_xori, "xor" },
    { INSN_ori, "or" },       { INSN_slli, "sll" },     { INSN_srli, "srl" },
    { INSN_srai, "sra" },     { INSN_addiw, "addw" },   { INSN_slliw, "sllw" },
    { INSN_srliw, "srlw" },   { INSN_sraiw, "sraw" },   { INSN_csrrwi, "csrrw" },
    { INSN_csrrsi, "csrrs" }, { INSN_csrrci, "csrrc" },
};

static const char *mnemonic(const struct insn *ins)
{
    for (size_t i = 0; i < sizeof imm_form_names / sizeof imm_form_names[0]; i++)
        if (imm_form_names[i].sem == ins->sem)
            return imm_form_names[i].name;
    return base_desc(ins)->name;
}

/* The name part of the F CSR pseudo-instructions (frflags, fsrm, fscsr, ...), or NULL. */
static const char *fp_csr_alias(unsigned csr)
{
    switch (csr) {
    case CSR_FFLAGS: return "flags";
    case CSR_FRM: return "rm";
    case CSR_FCSR: return "csr";
    default: return NULL;
    }
}

/* Conversions to double that are always exact (their rm field is not printed). */
static bool fp_exact_cvt(unsigned sem)
{
    return sem == INSN_fcvt_d_s || sem == INSN_fcvt_d_w || sem == INSN_fcvt_d_wu;
}

/* What the alias step decided. */
enum alias {
    ALIAS_NONE,    /* no alias: try the next step */
    ALIAS_PRINTED, /* printed */
    ALIAS_BASE,    /* print the base form, without the pseudo-instruction step */
};

/* Compressed HINTs (Unprivileged ISA 16.7, "HINT Instructions") and the few compressed
 * forms objdump prints under their own name rather than the base instruction's. */
static enum alias put_compressed(struct out *o, const struct insn *ins)
{
    const struct insn_desc *row = &insn_table[ins->id];
    const char *rd = reg(ins->rd), *rs2 = reg(ins->rs2);
    long long imm = (long long)ins->imm;
    bool rd0 = is_zero(ins->rd);

    switch (row->fmt) {
    case FMT_CI_ADDI:
        if (rd0 && imm == 0)
            put(o, "nop");
        else if (rd0)
            put(o, "c.nop %lld", imm);
        else
            return imm == 0 ? ALIAS_BASE : ALIAS_NONE; /* not `mv rd,rd` */
        return ALIAS_PRINTED;
    case FMT_CI_LI:
        if (!rd0)
            return ALIAS_NONE;
        put(o, "c.li %s,%lld", rd, imm);
        return ALIAS_PRINTED;
    case FMT_CI_LUI:
        if (!rd0)
            return ALIAS_NONE;
        put(o, "c.lui %s,0x%llx", rd, (imm >> 12) & 0xfffff);
        return ALIAS_PRINTED;
    case FMT_CI_SLLI:
    case FMT_CB_SHIFT:
        /* A zero shift amount is the RV128 64-bit shift, a HINT below RV128. */
        if (imm == 0)
            put(o, "%s64 %s", row->name, rd);
        else if (rd0)
            put(o, "%s %s,0x%llx", row->name, rd, imm);
        else
            return ALIAS_NONE;
        return ALIAS_PRINTED;
    case FMT_CR_MV: put(o, "%s %s,%s", rd0 ? "c.mv" : "mv", rd, rs2); return ALIAS_PRINTED;
    case FMT_CR_ADD:
        if (!rd0)
            return ALIAS_NONE;
        put(o, "c.add %s,%s", rd, rs2);
        return ALIAS_PRINTED;
    default: return ALIAS_NONE;
    }
}

/* The counters with a `rdNAME` pseudo-instruction; the high halves only on RV32. */
static bool has_rd_alias(unsigned csr, unsigned xlen)
{
    switch (csr) {
    case CSR_CYCLE:
    case CSR_TIME:
    case CSR_INSTRET: return true;
    case CSR_CYCLEH:
    case CSR_TIMEH:
    case CSR_INSTRETH: return xlen == 32;
    default: return false;
    }
}

static void put_target(struct out *o, const char *mn, const char *r, uint64_t t)
{
    if (r)
        put(o, "%s %s,%" PRIx64, mn, r, t);
    else
        put(o, "%s %" PRIx64, mn, t);
}

/* Pseudo-instructions of the base instructions (Unprivileged ISA chapter 25). */
static enum alias put_pseudo(struct out *o, const struct insn *ins, unsigned xlen)
{
    unsigned rd = ins->rd, rs1 = ins->rs1, rs2 = ins->rs2;
    long long imm = (long long)ins->imm;
    unsigned csr = (unsigned)ins->imm;
    uint64_t t = target(ins, xlen);

    switch (ins->sem) {
    case INSN_addi:
        if (is_zero(rd) && is_zero(rs1) && imm == 0)
            put(o, "nop");
        else if (is_zero(rs1))
            put(o, "li %s,%lld", reg(rd), imm);
        else if (imm == 0)
            put(o, "mv %s,%s", reg(rd), reg(rs1));
        else
            return ALIAS_NONE;
        return ALIAS_PRINTED;
    case INSN_addiw:
        if (imm != 0)
            return ALIAS_NONE;
        put(o, "sext.w %s,%s", reg(rd), reg(rs1));
        return ALIAS_PRINTED;
    case INSN_xori:
        if (imm != -1)
            return ALIAS_NONE;
        put(o, "not %s,%s", reg(rd), reg(rs1));
        return ALIAS_PRINTED;
    case INSN_sub:
    case INSN_subw:
        if (!is_zero(rs1))
            return ALIAS_NONE;
        put(o, "%s %s,%s", ins->sem == INSN_sub ? "neg" : "negw", reg(rd), reg(rs2));
        return ALIAS_PRINTED;
    case INSN_andi:
        if (imm != 0xff)
            return ALIAS_NONE;
        put(o, "zext.b %s,%s", reg(rd), reg(rs1));
        return ALIAS_PRINTED;
    case INSN_sltiu:
        if (imm != 1)
            return ALIAS_NONE;
        put(o, "seqz %s,%s", reg(rd), reg(rs1));
        return ALIAS_PRINTED;
    case INSN_sltu:
        if (!is_zero(rs1))
            return ALIAS_NONE;
        put(o, "snez %s,%s", reg(rd), reg(rs2));
        return ALIAS_PRINTED;
    case INSN_slt:
        if (is_zero(rs2))
            put(o, "sltz %s,%s", reg(rd), reg(rs1));
        else if (is_zero(rs1))
            put(o, "sgtz %s,%s", reg(rd), reg(rs2));
        else
            return ALIAS_NONE;
        return ALIAS_PRINTED;
    case INSN_beq:
    case INSN_bne:
        if (!is_zero(rs2))
            return ALIAS_NONE;
        put_target(o, ins->sem == INSN_beq ? "beqz" : "bnez", reg(rs1), t);
        return ALIAS_PRINTED;
    case INSN_blt:
        if (is_zero(rs2))
            put_target(o, "bltz", reg(rs1), t);
        else if (is_zero(rs1))
            put_target(o, "bgtz", reg(rs2), t);
        else
            return ALIAS_NONE;
        return ALIAS_PRINTED;
    case INSN_bge: /* objdump tries blez first: `bge zero,zero` is `blez zero` */
        if (is_zero(rs1))
            put_target(o, "blez", reg(rs2), t);
        else if (is_zero(rs2))
            put_target(o, "bgez", reg(rs1), t);
        else
            return ALIAS_NONE;
        return ALIAS_PRINTED;
    case INSN_jal:
        if (is_zero(rd))
            put_target(o, "j", NULL, t);
        else if (rd == 1)
            put_target(o, "jal", NULL, t);
        else
            return ALIAS_NONE;
        return ALIAS_PRINTED;
    case INSN_jalr:
        if (is_zero(rd) && rs1 == 1 && imm == 0)
            put(o, "ret");
        else if ((is_zero(rd) || rd == 1) && imm == 0)
            put(o, "%s %s", is_zero(rd) ? "jr" : "jalr", reg(rs1));
        else if (is_zero(rd) || rd == 1)
            put(o, "%s %lld(%s)", is_zero(rd) ? "jr" : "jalr", imm, reg(rs1));
        else if (imm == 0)
            put(o, "jalr %s,%s", reg(rd), reg(rs1));
        else
            return ALIAS_NONE;
        return ALIAS_PRINTED;
    case INSN_fence:
        if (ins->raw == FENCE_TSO)
            put(o, "fence.tso");
        else if ((csr & 0xff) == 0xff) /* iorw,iorw */
            put(o, "fence");
        else
            return ALIAS_NONE;
        return ALIAS_PRINTED;
    case INSN_fsgnj_s:
    case INSN_fsgnj_d:
    case INSN_fsgnjn_s:
    case INSN_fsgnjn_d:
    case INSN_fsgnjx_s:
    case INSN_fsgnjx_d: {
        /* fmv/fneg/fabs: sign injection from the operand itself (chapter 25). */
        if (ins->rs1 != ins->rs2)
            return ALIAS_NONE;
        const char *mn = base_desc(ins)->name; /* "fsgnj.s", "fsgnjn.d", ... */
        const char *alias = mn[5] == '.' ? "fmv" : mn[5] == 'n' ? "fneg" : "fabs";
        put(o, "%s%s %s,%s", alias, strchr(mn, '.'), freg(rd), freg(rs1));
        return ALIAS_PRINTED;
    }
    case INSN_csrrw:
        /* The canonical 32-bit "unimp": a write of zero to the read-only `cycle`. */
        if (ins->raw == 0xc0001073u) {
            put(o, "unimp");
            return ALIAS_PRINTED;
        }
        if (fp_csr_alias(csr)) { /* fsflags/fsrm/fscsr [rd,]rs */
            if (is_zero(rd))
                put(o, "fs%s %s", fp_csr_alias(csr), reg(rs1));
            else
                put(o, "fs%s %s,%s", fp_csr_alias(csr), reg(rd), reg(rs1));
            return ALIAS_PRINTED;
        }
        break;
    case INSN_csrrwi:
        if (csr == CSR_FFLAGS || csr == CSR_FRM) { /* fsflagsi/fsrmi rd,imm */
            put(o, "fs%si %s,%u", fp_csr_alias(csr), reg(rd), rs1);
            return ALIAS_PRINTED;
        }
        break;
    case INSN_csrrs:
        if (!is_zero(rs1))
            break;
        if (fp_csr_alias(csr)) { /* frflags/frrm/frcsr rd */
            put(o, "fr%s %s", fp_csr_alias(csr), reg(rd));
            return ALIAS_PRINTED;
        }
        if (has_rd_alias(csr, xlen))
            put(o, "rd%s %s", disasm_csr_name(csr), reg(rd));
        else {
            put(o, "csrr %s,", reg(rd));
            put_csr(o, csr);
        }
        return ALIAS_PRINTED;
    case INSN_csrrc:
    case INSN_csrrsi:
    case INSN_csrrci: break;
    default: return ALIAS_NONE;
    }

    /* csrrw/csrrs/csrrc and their immediate forms that discard the old value. */
    if (!is_zero(rd))
        return ALIAS_NONE;
    put(o, "csr%s ", mnemonic(ins) + 4); /* "csrrw" -> "csrw" */
    put_csr(o, csr);
    if (base_desc(ins)->fmt == FMT_CSRI)
        put(o, ",%u", rs1);
    else
        put(o, ",%s", reg(rs1));
    return ALIAS_PRINTED;
}

/* Base forms, one printer per operand format of the base row. */
static void put_base(struct out *o, const struct insn *ins, unsigned xlen)
{
    const char *mn = mnemonic(ins);
    const char *rd = reg(ins->rd), *rs1 = reg(ins->rs1), *rs2 = reg(ins->rs2);
    long long imm = (long long)ins->imm;
    enum insn_fmt fmt = base_desc(ins)->fmt;

    switch (fmt) {
    case FMT_R:
        if (ins->sem == INSN_sfence_vma) { /* rd is zero; objdump omits zero operands */
            if (ins->rs2)
                put(o, "%s %s,%s", mn, rs1, rs2);
            else if (ins->rs1)
                put(o, "%s %s", mn, rs1);
            else
                put(o, "%s", mn);
        } else {
            put(o, "%s %s,%s,%s", mn, rd, rs1, rs2);
        }
        break;
    case FMT_I:
        if (ins->sem == INSN_jalr)
            put(o, "%s %s,%lld(%s)", mn, rd, imm, rs1);
        else
            put(o, "%s %s,%s,%lld", mn, rd, rs1, imm);
        break;
    case FMT_SHIFT: put(o, "%s %s,%s,0x%llx", mn, rd, rs1, imm); break;
    case FMT_LOAD: put(o, "%s %s,%lld(%s)", mn, rd, imm, rs1); break;
    case FMT_STORE: put(o, "%s %s,%lld(%s)", mn, rs2, imm, rs1); break;
    case FMT_B: put(o, "%s %s,%s,%" PRIx64, mn, rs1, rs2, target(ins, xlen)); break;
    case FMT_U: put(o, "%s %s,0x%llx", mn, rd, (imm >> 12) & 0xfffff); break;
    case FMT_J: put(o, "%s %s,%" PRIx64, mn, rd, target(ins, xlen)); break;
    case FMT_FENCE:
        put(o, "%s ", mn);
        put_fence_set(o, (unsigned)(imm >> 4) & 15);
        put(o, ",");
        put_fence_set(o, (unsigned)imm & 15);
        break;
    case FMT_CSR:
    case FMT_CSRI:
        put(o, "%s %s,", mn, rd);
        put_csr(o, (unsigned)imm);
        if (fmt == FMT_CSR)
            put(o, ",%s", rs1);
        else
            put(o, ",%u", ins->rs1);
        break;
    case FMT_AMO: put(o, "%s%s %s,%s,(%s)", mn, aqrl_suffix(imm), rd, rs2, rs1); break;
    case FMT_LR: put(o, "%s%s %s,(%s)", mn, aqrl_suffix(imm), rd, rs1); break;
    case FMT_FLOAD: put(o, "%s %s,%lld(%s)", mn, freg(ins->rd), imm, rs1); break;
    case FMT_FSTORE: put(o, "%s %s,%lld(%s)", mn, freg(ins->rs2), imm, rs1); break;
    case FMT_R4:
        put(o, "%s %s,%s,%s,%s%s", mn, freg(ins->rd), freg(ins->rs1), freg(ins->rs2),
            freg((unsigned)imm >> 3), rm_suffix(imm));
        break;
    case FMT_F_RRR_RM:
        put(o, "%s %s,%s,%s%s", mn, freg(ins->rd), freg(ins->rs1), freg(ins->rs2), rm_suffix(imm));
        break;
    case FMT_F_RRR: put(o, "%s %s,%s,%s", mn, freg(ins->rd), freg(ins->rs1), freg(ins->rs2)); break;
    case FMT_F_RR_RM:
        /* fcvt.d.s is exact: objdump knows it only with rm = 0 and prints no mode. */
        put(o, "%s %s,%s%s", mn, freg(ins->rd), freg(ins->rs1),
            ins->sem == INSN_fcvt_d_s ? "" : rm_suffix(imm));
        break;
    case FMT_F_XF_RM: put(o, "%s %s,%s%s", mn, rd, freg(ins->rs1), rm_suffix(imm)); break;
    case FMT_F_FX_RM:
        put(o, "%s %s,%s%s", mn, freg(ins->rd), rs1, fp_exact_cvt(ins->sem) ? "" : rm_suffix(imm));
        break;
    case FMT_F_XFF: put(o, "%s %s,%s,%s", mn, rd, freg(ins->rs1), freg(ins->rs2)); break;
    case FMT_F_XF: put(o, "%s %s,%s", mn, rd, freg(ins->rs1)); break;
    case FMT_F_FX: put(o, "%s %s,%s", mn, freg(ins->rd), rs1); break;
    default: put(o, "%s", mn); break;
    }
}

/* False for encodings the hart accepts but objdump prints as raw words: FENCE with reserved
 * fields set, and fixed-encoding instructions (fence.i) with non-zero ignored fields. */
static bool objdump_knows(const struct insn *ins)
{
    const struct insn_desc *row = &insn_table[ins->id];
    switch (row->fmt) {
    case FMT_NONE: return ins->raw == row->match;
    case FMT_F_RR_RM:
    case FMT_F_FX_RM:
        /* binutils lists the exact conversions to double with rm = 0 only. */
        return !fp_exact_cvt(ins->sem) || (ins->imm & 7) == 0;
    case FMT_FENCE:
        return ins->raw == FENCE_TSO ||
               ((ins->raw >> FENCE_FM_SHIFT) == 0 && (ins->raw & FENCE_RS1_RD) == 0);
    default: return true;
    }
}

/* What objdump prints for words it cannot decode: the canonical all-zero "unimp", else
 * the raw bits. Encodings longer than 32 bits (which hartlab does not implement) show their
 * first 16-bit parcel, as objdump does when it cannot take the whole instruction. */
static void put_illegal(struct out *o, const struct insn *ins)
{
    unsigned len = insn_length((uint16_t)ins->raw);
    if (len == 2 && ins->raw == 0)
        put(o, "unimp");
    else if (len == 4)
        put(o, ".4byte 0x%" PRIx32, ins->raw);
    else /* 16-bit, or the first parcel of an encoding longer than 32 bits */
        put(o, ".2byte 0x%" PRIx32, ins->raw & 0xffff);
}

char *disasm_insn(const struct insn *ins, unsigned xlen, char *out, size_t outlen)
{
    struct out o = { out, 0, outlen };
    if (!outlen)
        return out;
    out[0] = '\0';
    if (ins->id >= INSN_COUNT || !objdump_knows(ins)) {
        put_illegal(&o, ins);
        return out;
    }
    enum alias a = insn_table[ins->id].ext == EXT_C ? put_compressed(&o, ins) : ALIAS_NONE;
    if (a == ALIAS_NONE)
        a = put_pseudo(&o, ins, xlen);
    if (a != ALIAS_PRINTED)
        put_base(&o, ins, xlen);
    return out;
}

char *disasm_raw(uint32_t raw, uint64_t pc, unsigned xlen, uint32_t misa_ext, char *out,
                 size_t outlen)
{
    struct insn ins;
    if (!insn_decode(raw, xlen, misa_ext, &ins))
        ins.id = INSN_COUNT;
    ins.pc = pc;
    return disasm_insn(&ins, xlen, out, outlen);
}

bool disasm_writes_rd(const struct insn *ins)
{
    if (ins->id >= INSN_COUNT || ins->rd == REG_SINK || ins->rd == 0)
        return false;
    switch (base_desc(ins)->fmt) {
    case FMT_R:
    case FMT_I:
    case FMT_SHIFT:
    case FMT_LOAD:
    case FMT_U:
    case FMT_J:
    case FMT_CSR:
    case FMT_CSRI:
    case FMT_AMO:
    case FMT_LR:
    case FMT_F_XF_RM:
    case FMT_F_XFF:
    case FMT_F_XF: return true;
    default: return false;
    }
}

/* ---- traps in words (Privileged Architecture, "Machine Cause Register" table) ---- */

const char *disasm_cause_name(uint64_t code, bool irq)
{
    static const char *const irqs[16] = {
        [IRQ_S_SOFT] = "supervisor software", [IRQ_M_SOFT] = "machine software",
        [IRQ_S_TIMER] = "supervisor timer",   [IRQ_M_TIMER] = "machine timer",
        [IRQ_S_EXT] = "supervisor external",  [IRQ_M_EXT] = "machine external",
    };
    static const char *const excs[16] = {
        [EXC_INSN_MISALIGNED] = "instruction address misaligned",
        [EXC_INSN_ACCESS] = "instruction access fault",
        [EXC_ILLEGAL_INSN] = "illegal instruction",
        [EXC_BREAKPOINT] = "breakpoint",
        [EXC_LOAD_MISALIGNED] = "load address misaligned",
        [EXC_LOAD_ACCESS] = "load access fault",
        [EXC_STORE_MISALIGNED] = "store/AMO address misaligned",
        [EXC_STORE_ACCESS] = "store/AMO access fault",
        [EXC_ECALL_U] = "ecall from U-mode",
        [EXC_ECALL_S] = "ecall from S-mode",
        [EXC_ECALL_M] = "ecall from M-mode",
        [EXC_INSN_PAGE] = "instruction page fault",
        [EXC_LOAD_PAGE] = "load page fault",
        [EXC_STORE_PAGE] = "store/AMO page fault",
    };
    const char *n = code < 16 ? (irq ? irqs : excs)[code] : NULL;
    return n ? n : (irq ? "interrupt" : "exception");
}

char *disasm_trap(uint64_t cause, uint64_t tval, unsigned xlen, char *out, size_t outlen)
{
    bool irq = (cause >> (xlen - 1)) & 1;
    uint64_t code = cause & ~(1ull << (xlen - 1));
    const char *name = disasm_cause_name(code, irq);
    tval &= xlen == 32 ? 0xffffffffull : ~0ull;
    if (irq) {
        snprintf(out, outlen, "%s interrupt", name);
        return out;
    }
    switch (code) {
    case EXC_ILLEGAL_INSN:
        /* tval holds the instruction's bits (0 when the hart does not provide them). */
        snprintf(out, outlen, "%s 0x%0*" PRIx64, name, (tval & 3) == 3 ? 8 : 4, tval);
        break;
    case EXC_INSN_MISALIGNED:
    case EXC_INSN_ACCESS:
    case EXC_LOAD_MISALIGNED:
    case EXC_LOAD_ACCESS:
    case EXC_STORE_MISALIGNED:
    case EXC_STORE_ACCESS:
    case EXC_INSN_PAGE:
    case EXC_LOAD_PAGE:
    case EXC_STORE_PAGE: snprintf(out, outlen, "%s at 0x%" PRIx64, name, tval); break;
    default: snprintf(out, outlen, "%s", name); break;
    }
    return out;
}
