/* The SDL panel (see panel.h). Board elements come from the device tree bindings
 * Documentation/devicetree/bindings/leds/leds-gpio.yaml (gpio-leds: gpios, color as
 * LED_COLOR_ID_*, label) and input/gpio-keys.yaml (gpio-keys: gpios, label), plus the
 * hartlab,key property naming the keyboard key (SDL key names). Interrupt state is shown
 * as the Privileged Architecture names it (mstatus.MIE/MPIE, mie/mip bits) and as the PLIC
 * and CLINT read-only views report it. Nothing here runs simulation logic.
 */
/* Built as the module ui/panel_load.c loads: its entry points get names of their own, so
 * that they never resolve to the executable's loader functions of the same API. */
#define panel_new             panel_module_new
#define panel_finish          panel_module_finish
#define panel_free            panel_module_free
#define panel_attach_debugger panel_module_attach_debugger
#define panel_idle            panel_module_idle
#include "ui/panel.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csr.h"
#include "core/hart.h"
#include "devices/clint.h"
#include "devices/clock.h"
#include "devices/irq.h"
#include "platform/machine.h"
#include "devices/ns16550.h"
#include "devices/plic.h"
#include "devices/sifive_gpio.h"
#include "host/input.h"
#include "host/shutdown.h"
#include "loader/symtab.h"
#include "ui/frames.h"
#include "ui/observe.h"
#include "ui/pace.h"
#include "platform/history.h"
#include "ui/panel_history.h"
#include "ui/panel_text.h"
#include "ui/png.h"

#ifndef HARTLAB_FONT
#define HARTLAB_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
#endif

/* Layout (pixels). Tests read LED pixels at led_center(); keep docs/labs in step. */
#define WIN_W        1024
#define WIN_H        640
#define FONT_PT      13
#define BOARD_H      168
#define LEFT_W       512
#define VIEW_X       (LEFT_W + 8)
#define CONSOLE_Y    (BOARD_H + 8)
#define STATUS_Y     (WIN_H - 40)
/* The history slider: a strip above the status bar (ui/panel_history.h). */
#define SLIDER_X     8
#define SLIDER_W     (WIN_W - 16)
#define SLIDER_Y     (STATUS_Y - 6)
#define SLIDER_H     6
#define LED_X0       48
#define LED_DX       88
#define LED_Y        64
#define LED_R        22
#define BTN_X0       24
#define BTN_DX       112
#define BTN_Y        116
#define BTN_W        100
#define BTN_H        36
#define MAX_LEDS     8
#define MAX_BUTTONS  8
#define TRAP_LOG     24
#define PANEL_BUDGET 40 /* unpaced, drawing gets at most 1/40 of the host's time */

enum view { VIEW_REGS, VIEW_IRQ, VIEW_STACK, VIEW_TRAPS, VIEW_COUNT };

struct led {
    char label[32];
    struct sifive_gpio *g;
    unsigned pin;
    bool active_low;
    SDL_Color color;
};

struct button {
    char label[32];
    char keyname[16];
    SDL_Keycode key;
    struct sifive_gpio *g;
    unsigned pin;
    bool active_low;
    bool pressed;
    SDL_Rect rect;
};

struct trap_entry {
    uint64_t cycle, cause, epc, handler, ret_cycle;
    unsigned xlen;
};

enum script_kind { SCRIPT_KEY, SCRIPT_TEXT, SCRIPT_MOUSE, SCRIPT_SHOT };
struct script_step {
    uint64_t cycle;
    enum script_kind kind;
    bool down;
    int x, y;
    char text[64];
};

struct panel {
    struct observe *ob;
    struct machine *m;
    struct frames *frames;
    bool frames_forced; /* --trace=frames keeps stepping on whatever the view */
    struct panel_config cfg;
    SDL_Window *win;
    SDL_Surface *surface;
    SDL_Renderer *r;
    TTF_Font *font;
    SDL_Texture *glyph[128];
    int cw, ch; /* character cell */

    struct led leds[MAX_LEDS];
    unsigned nleds;
    struct button buttons[MAX_BUTTONS];
    unsigned nbuttons;
    char model[64];

    struct panel_console con; /* the UART console's lines (ui/panel_text.h) */
    struct ns16550 *uart;
    unsigned uart_index; /* in bus order, for input_uart_send */

    /* Each hart's traps (index of machine_hart): total seen; the ring holds the last TRAP_LOG. */
    struct trap_entry traps[MACHINE_MAX_HARTS][TRAP_LOG];
    unsigned ntraps[MACHINE_MAX_HARTS];

    enum view view;
    bool paused, realtime, quit, finished;
    struct pace pace;
    uint64_t next_frame_ns, next_pump_ns;
    uint64_t last_cycles, last_ns;
    double mhz;
    uint64_t prev_x[32];
    bool changed[32];
    unsigned hart; /* the hart every view, F6 and the status line show (Tab selects) */

    struct clock_event shot_ev, script_ev;
    unsigned next_shot;
    struct script_step *steps;
    unsigned nsteps, next_step;
    uint64_t script_due; /* steps up to this cycle are due (run_script) */
    bool shot_failed;
    /* A move through history asked for (a key, the slider), carried out between rounds. */
    enum panel_hist_op hist_op;
    uint64_t hist_arg;
    char hist_msg[96];
    /* Under the GDB stub (panel_attach_debugger): the debugger runs, stops and moves the
     * machine through history; `held` while it has it stopped (panel_idle). */
    bool debugger, held;
    char err[256];
};

static bool to_present(struct panel *p);
static void hist_serve(struct panel *p);
static void draw_slider(struct panel *p);

static const char *const abi_names[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static const SDL_Color c_bg = { 0x1c, 0x1e, 0x26, 255 }, c_fg = { 0xd8, 0xd8, 0xd8, 255 },
                       c_dim = { 0x80, 0x84, 0x90, 255 }, c_hi = { 0xff, 0xd0, 0x40, 255 },
                       c_box = { 0x2c, 0x30, 0x3c, 255 }, c_trap = { 0xe0, 0x50, 0x50, 255 },
                       c_ok = { 0x60, 0xd0, 0x70, 255 };

/* ---- the board, from the device tree ---- */

static struct sifive_gpio *gpio_for_phandle(struct machine *m, uint32_t ph)
{
    const void *fdt = m->opts.fdt;
    int node = fdt_node_offset_by_phandle(fdt, ph);
    if (node < 0)
        return NULL;
    int len;
    const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
    if (!reg || len < 4)
        return NULL;
    /* The mcu and virt trees use one address cell; read two when the node's size says so. */
    uint64_t base = fdt32_to_cpu(reg[0]);
    if (len >= 16)
        base = (base << 32) | fdt32_to_cpu(reg[1]);
    for (unsigned b = 0; b < m->ngpio; b++)
        if (sifive_gpio_base(m->gpio[b]) == base || sifive_gpio_base(m->gpio[b]) == (uint32_t)base)
            return m->gpio[b];
    return NULL;
}

static bool node_gpio(struct machine *m, int node, struct sifive_gpio **g, unsigned *pin,
                      bool *active_low)
{
    int len;
    const fdt32_t *p = fdt_getprop(m->opts.fdt, node, "gpios", &len);
    if (!p || len < 12)
        return false;
    *g = gpio_for_phandle(m, fdt32_to_cpu(p[0]));
    *pin = fdt32_to_cpu(p[1]);
    *active_low = fdt32_to_cpu(p[2]) & 1; /* GPIO_ACTIVE_LOW */
    return *g && *pin < sifive_gpio_ngpios(*g);
}

static SDL_Color led_color(uint32_t id)
{
    /* LED_COLOR_ID_* of include/dt-bindings/leds/common.h. */
    switch (id) {
    case 1: return (SDL_Color){ 0xff, 0x30, 0x30, 255 };  /* red */
    case 2: return (SDL_Color){ 0x30, 0xf0, 0x40, 255 };  /* green */
    case 3: return (SDL_Color){ 0x40, 0x70, 0xff, 255 };  /* blue */
    case 4: return (SDL_Color){ 0xff, 0xb0, 0x20, 255 };  /* amber */
    case 5: return (SDL_Color){ 0xc0, 0x50, 0xff, 255 };  /* violet */
    case 6: return (SDL_Color){ 0xff, 0xf0, 0x30, 255 };  /* yellow */
    default: return (SDL_Color){ 0xf0, 0xf0, 0xf0, 255 }; /* white and the rest */
    }
}

static void read_board(struct panel *p)
{
    struct machine *m = p->m;
    const void *fdt = m->opts.fdt;
    snprintf(p->model, sizeof p->model, "hartlab");
    if (!fdt)
        return;
    const char *model = fdt_getprop(fdt, 0, "model", NULL);
    if (model)
        snprintf(p->model, sizeof p->model, "%s", model);
    for (int leds = fdt_node_offset_by_compatible(fdt, -1, "gpio-leds"); leds >= 0;
         leds = fdt_node_offset_by_compatible(fdt, leds, "gpio-leds")) {
        int child;
        fdt_for_each_subnode(child, fdt, leds)
        {
            if (p->nleds == MAX_LEDS)
                break;
            struct led *l = &p->leds[p->nleds];
            if (!node_gpio(m, child, &l->g, &l->pin, &l->active_low))
                continue;
            const char *label = fdt_getprop(fdt, child, "label", NULL);
            snprintf(l->label, sizeof l->label, "%s",
                     label ? label : fdt_get_name(fdt, child, NULL));
            int len;
            const fdt32_t *col = fdt_getprop(fdt, child, "color", &len);
            l->color = led_color(col && len >= 4 ? fdt32_to_cpu(*col) : 0);
            p->nleds++;
        }
    }
    for (int keys = fdt_node_offset_by_compatible(fdt, -1, "gpio-keys"); keys >= 0;
         keys = fdt_node_offset_by_compatible(fdt, keys, "gpio-keys")) {
        int child;
        fdt_for_each_subnode(child, fdt, keys)
        {
            if (p->nbuttons == MAX_BUTTONS)
                break;
            struct button *b = &p->buttons[p->nbuttons];
            if (!node_gpio(m, child, &b->g, &b->pin, &b->active_low))
                continue;
            const char *label = fdt_getprop(fdt, child, "label", NULL);
            snprintf(b->label, sizeof b->label, "%s",
                     label ? label : fdt_get_name(fdt, child, NULL));
            const char *key = fdt_getprop(fdt, child, "hartlab,key", NULL);
            snprintf(b->keyname, sizeof b->keyname, "%s", key ? key : "");
            b->key = key ? SDL_GetKeyFromName(key) : SDLK_UNKNOWN;
            b->rect = (SDL_Rect){ BTN_X0 + BTN_DX * (int)p->nbuttons, BTN_Y, BTN_W, BTN_H };
            /* Released: the board's pull resistor holds the inactive level. */
            input_gpio(m, b->g, b->pin, b->active_low ? INPUT_HIGH : INPUT_LOW);
            p->nbuttons++;
        }
    }
}

static void button_set(struct panel *p, struct button *b, bool down)
{
    if (b->pressed == down || !to_present(p))
        return;
    b->pressed = down;
    input_gpio(p->m, b->g, b->pin, down != b->active_low ? INPUT_HIGH : INPUT_LOW);
}

/* ---- drawing ---- */

static void color(struct panel *p, SDL_Color c)
{
    SDL_SetRenderDrawColor(p->r, c.r, c.g, c.b, c.a);
}

static void fill(struct panel *p, int x, int y, int w, int h, SDL_Color c)
{
    color(p, c);
    SDL_RenderFillRect(p->r, &(SDL_Rect){ x, y, w, h });
}

static void frame_rect(struct panel *p, int x, int y, int w, int h, SDL_Color c)
{
    color(p, c);
    SDL_RenderDrawRect(p->r, &(SDL_Rect){ x, y, w, h });
}

static int text(struct panel *p, int x, int y, SDL_Color c, const char *s)
{
    for (; *s; s++, x += p->cw) {
        unsigned ch = (unsigned char)*s;
        if (ch < 32 || ch > 126 || !p->glyph[ch])
            continue;
        SDL_SetTextureColorMod(p->glyph[ch], c.r, c.g, c.b);
        int w, h;
        SDL_QueryTexture(p->glyph[ch], NULL, NULL, &w, &h);
        SDL_RenderCopy(p->r, p->glyph[ch], NULL, &(SDL_Rect){ x, y, w, h });
    }
    return x;
}

static int textf(struct panel *p, int x, int y, SDL_Color c, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int textf(struct panel *p, int x, int y, SDL_Color c, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return text(p, x, y, c, buf);
}

static void disc(struct panel *p, int cx, int cy, int r, SDL_Color c)
{
    color(p, c);
    for (int dy = -r; dy <= r; dy++) {
        int dx = 0;
        while ((dx + 1) * (dx + 1) + dy * dy <= r * r)
            dx++;
        SDL_RenderDrawLine(p->r, cx - dx, cy + dy, cx + dx, cy + dy);
    }
}

static bool pin_level(struct sifive_gpio *g, unsigned pin)
{
    uint32_t levels;
    sifive_gpio_outputs(g, &levels, NULL);
    return (levels >> pin) & 1;
}

static void draw_board(struct panel *p)
{
    textf(p, 12, 8, c_fg, "%s", p->model);
    if (!p->nleds && !p->nbuttons)
        text(p, 12, 8 + p->ch, c_dim, "(no gpio-leds or gpio-keys in the device tree)");
    for (unsigned k = 0; k < p->nleds; k++) {
        struct led *l = &p->leds[k];
        int cx = LED_X0 + LED_DX * (int)k;
        bool on = pin_level(l->g, l->pin) != l->active_low;
        SDL_Color c = l->color;
        if (!on)
            c = (SDL_Color){ (Uint8)(c.r / 6 + 0x10), (Uint8)(c.g / 6 + 0x10),
                             (Uint8)(c.b / 6 + 0x10), 255 };
        disc(p, cx, LED_Y, LED_R + 2, c_dim);
        disc(p, cx, LED_Y, LED_R, c);
        int w = (int)strlen(l->label) * p->cw;
        text(p, cx - w / 2, LED_Y + LED_R + 4, c_dim, l->label);
    }
    for (unsigned k = 0; k < p->nbuttons; k++) {
        struct button *b = &p->buttons[k];
        fill(p, b->rect.x, b->rect.y, b->rect.w, b->rect.h, b->pressed ? c_hi : c_box);
        frame_rect(p, b->rect.x, b->rect.y, b->rect.w, b->rect.h, c_dim);
        textf(p, b->rect.x + 6, b->rect.y + 2, b->pressed ? c_bg : c_fg, "%s", b->label);
        textf(p, b->rect.x + 6, b->rect.y + 2 + p->ch, b->pressed ? c_bg : c_dim, "key %s",
              b->keyname[0] ? b->keyname : "-");
    }
}

static void draw_console(struct panel *p)
{
    int y0 = CONSOLE_Y;
    fill(p, 4, y0, LEFT_W - 8, STATUS_Y - y0 - 6, (SDL_Color){ 0x10, 0x12, 0x18, 255 });
    text(p, 10, y0 + 2, c_dim, p->uart ? "UART console (type to send)" : "no UART");
    int rows = (STATUS_Y - y0 - 12) / p->ch - 1;
    unsigned first = p->con.count > (unsigned)rows ? p->con.count - (unsigned)rows : 0;
    for (unsigned k = first; k < p->con.count; k++)
        text(p, 10, y0 + 4 + (int)(k - first + 1) * p->ch, c_fg, panel_console_line(&p->con, k));
}

static void sym(struct panel *p, uint64_t addr, char *buf, size_t len)
{
    frames_symbolize(p->ob, addr, buf, len);
}

/* A CSR as the guest would read it (0 if the hart has none by that number). */
static uint64_t csr(struct hart *h, unsigned n)
{
    uint64_t v = 0;
    hart_csr_peek(h, n, &v);
    return v;
}

/* With several harts, one line each: pc and function, privilege mode, running or waiting in
 * wfi; the selected one (whose registers are shown above) marked. */
static void draw_harts(struct panel *p, int x, int y)
{
    unsigned n = machine_nharts(p->m);
    text(p, x, y, c_dim, "harts (Tab: show another's registers)");
    for (unsigned k = 0; k < n; k++) {
        struct hart *h = machine_hart(p->m, k);
        char s[96];
        sym(p, hart_pc(h), s, sizeof s);
        textf(p, x, y + (int)(k + 1) * p->ch, k == p->hart ? c_hi : c_fg,
              "%c hart %" PRIu64 "  %0*" PRIx64 "  %-22.22s %c  %s", k == p->hart ? '>' : ' ',
              hart_id(h), (int)hart_xlen(h) / 4, hart_pc(h), s, "US?M"[hart_priv(h) & 3],
              hart_waiting(h) ? "wfi" : "run");
    }
}

static void draw_regs(struct panel *p, int x, int y, bool for_shot)
{
    struct hart *h = machine_hart(p->m, p->hart);
    int w = (int)hart_xlen(h) / 4;
    char s[96];
    sym(p, hart_pc(h), s, sizeof s);
    textf(p, x, y, c_fg, "pc   %0*" PRIx64 "  %s", w, hart_pc(h), s);
    y += p->ch + 4;
    for (unsigned i = 0; i < 32; i++) {
        int col = (int)(i / 16), row = (int)(i % 16);
        textf(p, x + col * 250, y + row * p->ch, p->changed[i] && !for_shot ? c_hi : c_fg,
              "%-4s x%-2u %0*" PRIx64, abi_names[i], i, w, hart_reg(h, i));
    }
    y += 16 * p->ch + 8;
    textf(p, x, y, c_fg, "mstatus %0*" PRIx64 "  mcause %0*" PRIx64, w, csr(h, CSR_MSTATUS), w,
          csr(h, CSR_MCAUSE));
    textf(p, x, y + p->ch, c_fg, "mepc    %0*" PRIx64 "  mtvec  %0*" PRIx64, w, csr(h, CSR_MEPC), w,
          csr(h, CSR_MTVEC));
    /* Highlights depend on when host frames fell, so screenshots leave them out. */
    if (!for_shot)
        text(p, x, y + 3 * p->ch, c_dim, "highlighted: changed since the last step / frame");
    if (machine_nharts(p->m) > 1)
        draw_harts(p, x, y + 5 * p->ch);
}

static const char *source_line_name(struct panel *p, unsigned source)
{
    for (unsigned k = 0; k < observe_nlines(p->ob); k++) {
        const char *what;
        const struct irq_line *l = observe_line(p->ob, k, &what);
        if ((what[0] == 'u' || what[0] == 'g') && l->handler && l->n == source)
            return l->name;
    }
    return "";
}

/* The PLIC context that drives hart h's machine external interrupt (the one its M-mode
 * handler claims from), or its first context, or -1. */
static int plic_context_of(const struct plic *pl, const struct hart *h)
{
    int first = -1;
    for (unsigned c = 0; c < plic_ncontexts(pl); c++) {
        struct plic_context_info ci;
        if (!plic_context_state(pl, c, &ci) || ci.hart != h)
            continue;
        if (ci.irq == IRQ_M_EXT)
            return (int)c;
        if (first < 0)
            first = (int)c;
    }
    return first;
}

static void draw_irq(struct panel *p, int x, int y)
{
    struct hart *h = machine_hart(p->m, p->hart);
    uint64_t mstatus = csr(h, CSR_MSTATUS), mie = csr(h, CSR_MIE), mip = csr(h, CSR_MIP);
    textf(p, x, y, c_fg, "mstatus.MIE=%u  MPIE=%u  MPP=%u   priv %c", (unsigned)(mstatus >> 3) & 1,
          (unsigned)(mstatus >> 7) & 1, (unsigned)(mstatus >> 11) & 3, "US?M"[hart_priv(h) & 3]);
    y += p->ch + 4;
    text(p, x, y, c_dim, "cause                 mie mip");
    static const struct {
        unsigned bit;
        const char *name;
    } causes[] = { { IRQ_M_SOFT, "MSI  machine software" }, { IRQ_M_TIMER, "MTI  machine timer" },
                   { IRQ_M_EXT, "MEI  machine external" },  { IRQ_S_SOFT, "SSI  super. software" },
                   { IRQ_S_TIMER, "STI  super. timer" },    { IRQ_S_EXT, "SEI  super. external" } };
    for (unsigned k = 0; k < sizeof causes / sizeof causes[0]; k++) {
        y += p->ch;
        bool e = (mie >> causes[k].bit) & 1, pd = (mip >> causes[k].bit) & 1;
        textf(p, x, y, e && pd ? c_hi : c_fg, "%-2u %-20s %u   %u", causes[k].bit, causes[k].name,
              e, pd);
    }
    y += p->ch + 8;
    int slot = p->m->clint ? clint_slot_of(p->m->clint, h) : -1;
    if (slot >= 0) {
        textf(p, x, y, c_fg, "CLINT mtime    %" PRIu64, clint_mtime(p->m->clint));
        y += p->ch;
        uint64_t cmp = clint_mtimecmp(p->m->clint, (unsigned)slot);
        textf(p, x, y, clint_mtip(p->m->clint, (unsigned)slot) ? c_hi : c_fg,
              "      mtimecmp %s%" PRIu64, cmp == UINT64_MAX ? "(max) " : "", cmp);
        y += p->ch + 8;
    }
    struct plic *pl = p->m->plic;
    if (!pl)
        return;
    int ctx = plic_context_of(pl, h);
    struct plic_context_info ci;
    if (ctx >= 0 && plic_context_state(pl, (unsigned)ctx, &ci)) {
        textf(p, x, y, ci.eip ? c_hi : c_fg, "PLIC ctx%d threshold %u  eip %u  next claim %u", ctx,
              ci.threshold, ci.eip, ci.next_claim);
        y += p->ch;
    }
    text(p, x, y, c_dim, "src prio lvl pend en claim line");
    unsigned shown = 0;
    for (unsigned s = 1; s <= plic_nsources(pl) && shown < 14; s++) {
        struct plic_source_info si;
        if (!plic_source_state(pl, s, &si))
            continue;
        if (!si.priority && !si.level && !si.pending && !si.enabled && !si.claimed)
            continue;
        y += p->ch;
        shown++;
        textf(p, x, y, si.pending || si.claimed ? c_hi : c_fg, "%3u %4u %3u %4u %2u %5u %s", s,
              si.priority, si.level, si.pending,
              ctx >= 0 && ctx < 64 ? (unsigned)(si.enabled >> ctx) & 1 : 0u, si.claimed,
              source_line_name(p, s));
    }
    if (!shown)
        text(p, x, y + p->ch, c_dim, "(no source enabled or prioritised yet)");
}

static void draw_stack(struct panel *p, int x, int y)
{
    struct frames *fr = p->frames;
    textf(p, x, y, c_dim, "call stack of hart %" PRIu64 " (followed since cycle %" PRIu64 ")",
          hart_id(machine_hart(p->m, fr->hart)), fr->since);
    int box_h = 3 * p->ch + 6, bottom = STATUS_Y - 10;
    unsigned n = fr->depth < FRAMES_MAX ? fr->depth : FRAMES_MAX;
    unsigned fit = (unsigned)((bottom - y - p->ch - 4) / (box_h + 4));
    unsigned first = 0;
    if (n > fit) {
        /* The oldest frames go; a line at the bottom, where they would be, says so. */
        fit = (unsigned)((bottom - p->ch - 4 - y - p->ch - 4) / (box_h + 4));
        first = n - fit;
        textf(p, x, bottom - p->ch, c_dim, "... %u older frame%s below", first,
              first == 1 ? "" : "s");
        bottom -= p->ch + 4;
    }
    char name[96], ra[96];
    for (unsigned k = first; k < n; k++) {
        const struct frame *f = &fr->stack[k];
        int by = bottom - (int)(k - first + 1) * (box_h + 4);
        SDL_Color edge = f->trap ? c_trap : (k + 1 == n ? c_hi : c_dim);
        fill(p, x, by, 480, box_h, c_box);
        frame_rect(p, x, by, 480, box_h, edge);
        sym(p, f->func, name, sizeof name);
        if (f->trap)
            textf(p, x + 6, by + 3, c_trap, "TRAP %s -> %s",
                  observe_cause_name(f->cause, hart_xlen(machine_hart(p->m, fr->hart))), name);
        else
            textf(p, x + 6, by + 3, c_fg, "%s", name);
        char use[96];
        panel_frame_stack_line(use, sizeof use, f->sp_entry, f->sp_min, k == 0);
        text(p, x + 6, by + 3 + p->ch, c_fg, use);
        sym(p, f->ra, ra, sizeof ra);
        textf(p, x + 6, by + 3 + 2 * p->ch, c_dim, "%s %08" PRIx64 " %s", f->trap ? "epc" : "ra ",
              f->ra, k ? ra : "");
    }
}

/* Characters that fit across the views' area, right of the board and console. */
static unsigned view_cols(const struct panel *p)
{
    return (unsigned)((WIN_W - VIEW_X - 8) / p->cw);
}

static void draw_traps(struct panel *p, int x, int y)
{
    text(p, x, y, c_dim, "cycle       cause                      at");
    unsigned total = p->ntraps[p->hart], n = total < TRAP_LOG ? total : TRAP_LOG;
    char at[96], line[160];
    for (unsigned k = 0; k < n; k++) {
        const struct trap_entry *t = &p->traps[p->hart][(total - 1 - k) % TRAP_LOG];
        y += p->ch;
        sym(p, t->epc, at, sizeof at);
        bool irq = t->cause >> (t->xlen - 1);
        panel_trap_line(line, sizeof line, view_cols(p), t->cycle,
                        observe_cause_name(t->cause, t->xlen), at, !t->ret_cycle);
        text(p, x, y, irq ? c_hi : c_fg, line);
    }
    if (!n)
        text(p, x, y + p->ch, c_dim, "(no traps yet)");
}

static void render(struct panel *p, bool for_shot)
{
    struct hart *h = machine_hart(p->m, p->hart);
    color(p, c_bg);
    SDL_RenderClear(p->r);
    draw_board(p);
    draw_console(p);
    static const char *const names[VIEW_COUNT] = { "F1 registers", "F2 interrupts", "F3 stack",
                                                   "F4 traps" };
    int x = VIEW_X;
    for (unsigned v = 0; v < VIEW_COUNT; v++)
        x = text(p, x, 8, v == p->view ? c_hi : c_dim, names[v]) + 2 * p->cw;
    int vy = 8 + p->ch + 8;
    switch (p->view) {
    case VIEW_REGS: draw_regs(p, VIEW_X, vy, for_shot); break;
    case VIEW_IRQ: draw_irq(p, VIEW_X, vy); break;
    case VIEW_STACK: draw_stack(p, VIEW_X, vy); break;
    default: draw_traps(p, VIEW_X, vy); break;
    }
    fill(p, 0, STATUS_Y, WIN_W, WIN_H - STATUS_Y, c_box);
    char s[96];
    sym(p, hart_pc(h), s, sizeof s);
    double vt = (double)hart_cycles(h) / (double)observe_hart_hz(p->ob);
    int sx = 8;
    if (machine_nharts(p->m) > 1)
        sx = textf(p, sx, STATUS_Y + 3, c_hi, "hart %" PRIu64, hart_id(h)) + p->cw;
    sx = textf(p, sx, STATUS_Y + 3, c_fg,
               "pc %08" PRIx64 " %.20s  %c-mode  cycles %" PRIu64 "  instret %" PRIu64 "  t=%.6f s",
               hart_pc(h), s, "US?M"[hart_priv(h) & 3], hart_cycles(h), hart_retired(h), vt);
    if (!for_shot)
        textf(p, sx + p->cw, STATUS_Y + 3, c_fg, "%.1f MHz", p->mhz);
    bool past = history_in_past(p->m->history);
    SDL_Color st = p->m->exited ? c_trap : past ? c_trap : p->paused || p->held ? c_hi : c_ok;
    textf(p, 8, STATUS_Y + 3 + p->ch, st, "%s",
          p->m->exited ? "EXITED"
          : past       ? "PAST"
          : p->held    ? "GDB"
          : p->paused  ? "PAUSED"
                       : "RUN");
    const char *pace = p->realtime ? "real time" : "as fast as possible";
    if (p->debugger)
        textf(p, 8 + 8 * p->cw, STATUS_Y + 3 + p->ch, c_dim,
              "%s | under gdb  F1-F4 views  Tab hart  F8 pace  Esc quit",
              p->hist_msg[0] ? p->hist_msg : pace);
    else
        textf(p, 8 + 8 * p->cw, STATUS_Y + 3 + p->ch, c_dim,
              "%s | F5 run/pause  F6 step  F9 back  F7 reset  F8 pace  Esc quit",
              past ? p->hist_msg : pace);
    draw_slider(p);
}

/* History: the kept part of the selected hart's run, filled up to where the machine is. */
static void draw_slider(struct panel *p)
{
    uint64_t first, last, now;
    if (!panel_history_span(p->m, p->hart, &first, &last, &now))
        return;
    int x = panel_slider_x(first, last, now, SLIDER_X, SLIDER_W);
    fill(p, SLIDER_X, SLIDER_Y, SLIDER_W, SLIDER_H, c_dim);
    fill(p, SLIDER_X, SLIDER_Y, x - SLIDER_X + 1, SLIDER_H, c_hi);
    fill(p, x - 1, SLIDER_Y - 2, 3, SLIDER_H + 2, c_fg);
}

static void present(struct panel *p)
{
    SDL_Surface *ws = SDL_GetWindowSurface(p->win);
    if (ws) {
        SDL_BlitSurface(p->surface, NULL, ws, NULL);
        SDL_UpdateWindowSurface(p->win);
    }
}

static void frame(struct panel *p)
{
    struct hart *h = machine_hart(p->m, 0);
    uint64_t now = pace_host_ns();
    if (now > p->last_ns)
        p->mhz = (double)(hart_cycles(h) - p->last_cycles) * 1e3 / (double)(now - p->last_ns);
    p->last_ns = now;
    p->last_cycles = hart_cycles(h);
    h = machine_hart(p->m, p->hart);
    for (unsigned i = 0; i < 32; i++) {
        p->changed[i] = hart_reg(h, i) != p->prev_x[i];
        p->prev_x[i] = hart_reg(h, i);
    }
    render(p, false);
    present(p);
}

/* ---- UART ---- */

static void on_uart(void *ctx, unsigned k, bool rx, uint8_t byte, uint64_t cycle)
{
    struct panel *p = ctx;
    if (!rx && observe_uart(p->ob, k) == p->uart)
        panel_console_put(&p->con, byte);
}

/* A typed byte goes through the input door (host/input.h): it enters the receiver at the
 * line's character rate when the FIFO has room, so nothing overruns, and --record keeps it. */
static void uart_type(struct panel *p, uint8_t b)
{
    if (p->uart && to_present(p))
        input_uart_send(p->m, p->uart_index, &b, 1);
}

/* ---- traps ---- */

/* The index of hart h (machine_hart), or MACHINE_MAX_HARTS. */
static unsigned hart_index(const struct panel *p, const struct hart *h)
{
    unsigned k = 0;
    while (k < machine_nharts(p->m) && machine_hart(p->m, k) != h)
        k++;
    return k < machine_nharts(p->m) ? k : MACHINE_MAX_HARTS;
}

static void on_trap(void *ctx, struct hart *h, uint64_t cause, uint64_t epc, uint64_t tval)
{
    struct panel *p = ctx;
    unsigned k = hart_index(p, h);
    if (k == MACHINE_MAX_HARTS || p->m->replaying)
        return;
    p->traps[k][p->ntraps[k] % TRAP_LOG] =
        (struct trap_entry){ hart_cycles(h), cause, epc, hart_pc(h), 0, hart_xlen(h) };
    p->ntraps[k]++;
}

static void on_trap_return(void *ctx, struct hart *h, uint64_t from_pc)
{
    struct panel *p = ctx;
    unsigned hk = hart_index(p, h);
    if (hk == MACHINE_MAX_HARTS || p->m->replaying)
        return;
    unsigned total = p->ntraps[hk], n = total < TRAP_LOG ? total : TRAP_LOG;
    for (unsigned k = 0; k < n; k++) {
        struct trap_entry *t = &p->traps[hk][(total - 1 - k) % TRAP_LOG];
        if (!t->ret_cycle) {
            t->ret_cycle = hart_cycles(h);
            break;
        }
    }
}

/* ---- events ---- */

static void set_view(struct panel *p, enum view v)
{
    p->view = v;
    if (p->frames_forced)
        return;
    /* The stack view follows calls instruction by instruction, from the moment it opens;
     * the other views let the hart run in blocks at full speed. */
    bool want = v == VIEW_STACK;
    if (want)
        frames_restart(p->frames);
    observe_set_stepping(p->ob, want);
}

static void step_one(struct panel *p)
{
    if (p->m->exited)
        return;
    machine_step_hart(p->m, p->hart);
}

/* Back to the present (from the past: history re-executed to its end). Anything that changes
 * the machine from outside (a button, typed text, a reset) does this first. False when it
 * cannot: under the debugger, which alone moves the machine through history. */
static bool to_present(struct panel *p)
{
    if (!history_in_past(p->m->history))
        return true;
    if (p->debugger) {
        snprintf(p->hist_msg, sizeof p->hist_msg, "input waits for the present (gdb: continue)");
        return false;
    }
    panel_history_do(p->m, p->hart, PANEL_HIST_END, 0, p->hist_msg, sizeof p->hist_msg);
    return true;
}

static struct button *button_at(struct panel *p, int x, int y)
{
    for (unsigned k = 0; k < p->nbuttons; k++) {
        SDL_Rect *r = &p->buttons[k].rect;
        if (x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h)
            return &p->buttons[k];
    }
    return NULL;
}

static struct button *button_for_key(struct panel *p, SDL_Keycode key)
{
    for (unsigned k = 0; k < p->nbuttons; k++)
        if (p->buttons[k].key != SDLK_UNKNOWN && p->buttons[k].key == key)
            return &p->buttons[k];
    return NULL;
}

static void handle(struct panel *p, const SDL_Event *e)
{
    switch (e->type) {
    case SDL_QUIT: p->quit = true; break;
    case SDL_KEYDOWN: {
        SDL_Keycode k = e->key.keysym.sym;
        struct button *b = button_for_key(p, k);
        if (b) {
            button_set(p, b, true);
            break;
        }
        if (e->key.repeat && k != SDLK_F6 && k != SDLK_F9)
            break;
        enum panel_hist_op op =
            panel_history_key(SDL_GetKeyName(k), history_in_past(p->m->history));
        if (op != PANEL_HIST_NONE && p->m->history && !p->debugger) {
            /* Carried out between rounds (hist_serve); the machine stays stopped there. */
            p->hist_op = op;
            p->paused = true;
            break;
        }
        if (p->debugger && (k == SDLK_F5 || k == SDLK_F6 || k == SDLK_F7)) {
            /* The debugger runs and stops the machine: its continue, stepi, run. */
            snprintf(p->hist_msg, sizeof p->hist_msg, "gdb runs the machine: continue, stepi");
            break;
        }
        switch (k) {
        case SDLK_ESCAPE: p->quit = true; break;
        case SDLK_F1: set_view(p, VIEW_REGS); break;
        case SDLK_F2: set_view(p, VIEW_IRQ); break;
        case SDLK_F3: set_view(p, VIEW_STACK); break;
        case SDLK_F4: set_view(p, VIEW_TRAPS); break;
        case SDLK_F5:
            if (p->paused && history_in_past(p->m->history))
                to_present(p); /* run on from the present */
            p->paused = !p->paused;
            if (!p->paused && p->realtime)
                pace_start(&p->pace, observe_hart_hz(p->ob), hart_cycles(machine_hart(p->m, 0)));
            break;
        case SDLK_F6:
            p->paused = true;
            step_one(p);
            break;
        case SDLK_F7:
            to_present(p);
            machine_reset_harts(p->m);
            break;
        case SDLK_TAB:
            p->hart = (p->hart + 1) % machine_nharts(p->m);
            for (unsigned i = 0; i < 32; i++)
                p->prev_x[i] = hart_reg(machine_hart(p->m, p->hart), i);
            /* The stack view follows the hart shown (--trace=frames stays on hart 0). */
            if (!p->frames_forced)
                frames_follow(p->frames, p->hart);
            break;
        case SDLK_F8:
            p->realtime = !p->realtime;
            pace_start(&p->pace, observe_hart_hz(p->ob), hart_cycles(machine_hart(p->m, 0)));
            break;
        case SDLK_RETURN:
        case SDLK_KP_ENTER: uart_type(p, '\r'); break;
        case SDLK_BACKSPACE: uart_type(p, 0x7f); break;
        default: break;
        }
        break;
    }
    case SDL_KEYUP: {
        struct button *b = button_for_key(p, e->key.keysym.sym);
        if (b)
            button_set(p, b, false);
        break;
    }
    case SDL_TEXTINPUT:
        for (const char *c = e->text.text; *c; c++) {
            char one[2] = { *c, 0 };
            if (!button_for_key(p, SDL_GetKeyFromName(one)))
                uart_type(p, (uint8_t)*c);
        }
        break;
    case SDL_MOUSEBUTTONDOWN: {
        uint64_t first, last, now;
        if (!p->debugger && e->button.y >= SLIDER_Y - 2 && e->button.y < SLIDER_Y + SLIDER_H + 2 &&
            panel_history_span(p->m, p->hart, &first, &last, &now)) {
            p->hist_op = PANEL_HIST_GOTO;
            p->hist_arg = panel_slider_count(first, last, SLIDER_X, SLIDER_W, e->button.x);
            p->paused = true;
            break;
        }
        struct button *b = button_at(p, e->button.x, e->button.y);
        if (b)
            button_set(p, b, true);
        break;
    }
    case SDL_MOUSEBUTTONUP:
        for (unsigned k = 0; k < p->nbuttons; k++)
            if (p->buttons[k].pressed && button_for_key(p, p->buttons[k].key) == NULL)
                button_set(p, &p->buttons[k], false);
        {
            struct button *b = button_at(p, e->button.x, e->button.y);
            if (b)
                button_set(p, b, false);
        }
        break;
    default: break;
    }
}

static void pump(struct panel *p)
{
    SDL_Event e;
    while (SDL_PollEvent(&e))
        handle(p, &e);
}

static void idle(void *ctx)
{
    struct panel *p = ctx;
    pump(p);
    frame(p);
}

static void on_quantum(void *ctx)
{
    struct panel *p = ctx;
    uint64_t now = pace_host_ns();
    p->held = false;
    if (now >= p->next_pump_ns) {
        p->next_pump_ns = now + 1000000000ull / PANEL_FPS;
        pump(p);
    }
    if (now >= p->next_frame_ns) {
        frame(p);
        /* Running as fast as possible, drawing may take at most 1/PANEL_BUDGET of the host
         * time (fewer frames if a frame is slow to draw); paced or paused, it has time. */
        uint64_t cost = pace_host_ns() - now, gap = 1000000000ull / PANEL_FPS;
        if (!p->realtime && cost * PANEL_BUDGET > gap)
            gap = cost * PANEL_BUDGET;
        p->next_frame_ns = now + gap;
    }
    if (p->debugger) {
        /* Only watching: the debugger decides when the machine stops, and where in history.
         * A hint given while it was stopped is stale once it runs. */
        p->hist_msg[0] = 0;
        if (p->realtime && !p->quit)
            pace_wait(&p->pace, hart_cycles(machine_hart(p->m, 0)), idle, p);
        if (p->quit && !p->m->replaying)
            machine_exit(p->m, 0, "the panel was closed");
        return;
    }
    hist_serve(p);
    while (p->paused && !p->quit && !p->m->exited && !shutdown_signal()) {
        if (p->hist_op == PANEL_HIST_NONE)
            SDL_Delay(1000 / PANEL_FPS);
        pump(p);
        hist_serve(p);
        frame(p);
    }
    /* Running on (or ending) from the present: the past is only visited while stopped. */
    to_present(p);
    hist_serve(p);
    if (p->realtime && !p->quit)
        pace_wait(&p->pace, hart_cycles(machine_hart(p->m, 0)), idle, p);
    if (p->quit)
        machine_exit(p->m, 0, "the panel was closed");
}

void panel_attach_debugger(struct panel *p)
{
    p->debugger = true;
    p->paused = false;
    p->held = true;
    p->hist_msg[0] = 0;
}

bool panel_idle(struct panel *p)
{
    p->held = true;
    uint64_t now = pace_host_ns();
    pump(p);
    if (now >= p->next_frame_ns) {
        frame(p);
        p->next_frame_ns = now + 1000000000ull / PANEL_FPS;
    }
    return p->quit;
}

/* ---- screenshots and scripted input ---- */

static bool shoot(struct panel *p, const char *path)
{
    render(p, true);
    SDL_LockSurface(p->surface);
    char err[256];
    bool ok = png_write_argb(path, p->surface->pixels, (unsigned)p->surface->w,
                             (unsigned)p->surface->h, (size_t)p->surface->pitch, err, sizeof err);
    SDL_UnlockSurface(p->surface);
    if (!ok) {
        fprintf(stderr, "hartlab: --ui-screenshot: %s\n", err);
        p->shot_failed = true;
    }
    return ok;
}

static void shot_fired(void *opaque)
{
    struct panel *p = opaque;
    if (p->m->replaying) {
        /* History re-executed: the shots were taken the first time. */
        if (p->next_shot < p->cfg.nshots &&
            p->cfg.shots[p->next_shot].cycle > clock_now(&p->m->clock))
            clock_schedule(&p->m->clock, &p->shot_ev, p->cfg.shots[p->next_shot].cycle);
        return;
    }
    uint64_t now = clock_now(&p->m->clock);
    while (p->next_shot < p->cfg.nshots && p->cfg.shots[p->next_shot].cycle <= now)
        shoot(p, p->cfg.shots[p->next_shot++].path);
    if (p->next_shot < p->cfg.nshots)
        clock_schedule(&p->m->clock, &p->shot_ev, p->cfg.shots[p->next_shot].cycle);
    else
        machine_exit(p->m, 0, "the last --ui-screenshot was taken");
}

/* The script's steps due now (cycle <= script_due), in order. A step that asks for a move
 * through history ends the batch: the move is carried out between rounds (hist_serve), then
 * the rest of the batch runs, so "key F9 down" then "shot FILE" shows the machine after it. */
static void run_script(struct panel *p)
{
    while (p->next_step < p->nsteps && p->steps[p->next_step].cycle <= p->script_due &&
           p->hist_op == PANEL_HIST_NONE && !p->quit) {
        const struct script_step *s = &p->steps[p->next_step++];
        SDL_Event e;
        memset(&e, 0, sizeof e);
        switch (s->kind) {
        case SCRIPT_KEY:
            e.type = s->down ? SDL_KEYDOWN : SDL_KEYUP;
            e.key.state = s->down ? SDL_PRESSED : SDL_RELEASED;
            e.key.keysym.sym = SDL_GetKeyFromName(s->text);
            e.key.keysym.scancode = SDL_GetScancodeFromKey(e.key.keysym.sym);
            break;
        case SCRIPT_TEXT:
            e.type = SDL_TEXTINPUT;
            snprintf(e.text.text, sizeof e.text.text, "%.31s", s->text);
            break;
        case SCRIPT_MOUSE:
            e.type = s->down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
            e.button.button = SDL_BUTTON_LEFT;
            e.button.state = s->down ? SDL_PRESSED : SDL_RELEASED;
            e.button.x = s->x;
            e.button.y = s->y;
            break;
        case SCRIPT_SHOT: shoot(p, s->text); continue;
        }
        SDL_PushEvent(&e);
        /* Handle it now, at this cycle, so scripted runs are deterministic. */
        pump(p);
    }
    /* The next step's time, while the machine is at the present (in the past the clock is
     * history's: the event is armed again when the present is reached). */
    if (p->next_step < p->nsteps && !history_in_past(p->m->history) &&
        p->steps[p->next_step].cycle > p->script_due)
        clock_schedule(&p->m->clock, &p->script_ev, p->steps[p->next_step].cycle);
}

static void script_fired(void *opaque)
{
    struct panel *p = opaque;
    if (p->m->replaying) {
        /* History re-executed: the steps were handled the first time; keep the event
         * where the run had it. */
        if (p->next_step < p->nsteps && p->steps[p->next_step].cycle > clock_now(&p->m->clock))
            clock_schedule(&p->m->clock, &p->script_ev, p->steps[p->next_step].cycle);
        return;
    }
    p->script_due = clock_now(&p->m->clock);
    run_script(p);
}

/* Moves through history asked for, then the script steps they held back; between rounds. */
static void hist_serve(struct panel *p)
{
    while (p->hist_op != PANEL_HIST_NONE) {
        enum panel_hist_op op = p->hist_op;
        p->hist_op = PANEL_HIST_NONE;
        if (!panel_history_do(p->m, p->hart, op, p->hist_arg, p->hist_msg, sizeof p->hist_msg) &&
            op == PANEL_HIST_FORWARD)
            step_one(p); /* at the present: a live step */
        if (!history_in_past(p->m->history) && p->next_step < p->nsteps &&
            p->steps[p->next_step].cycle > p->script_due)
            clock_schedule(&p->m->clock, &p->script_ev, p->steps[p->next_step].cycle);
        run_script(p);
    }
}

/* Lines: "CYCLE key NAME down|up", "CYCLE text STRING", "CYCLE mouse X Y down|up", "CYCLE
 * shot FILE.png" (the panel as it is when the step runs); '#' starts a comment; cycles must
 * not decrease. */
static bool load_script(struct panel *p, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "--ui-script: cannot read %s: %s", path, strerror(errno));
        return false;
    }
    char line[256];
    unsigned lineno = 0, cap = 0;
    uint64_t last = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        line[strcspn(line, "\r\n")] = 0;
        char *s = line;
        while (isspace((unsigned char)*s))
            s++;
        if (!*s)
            continue;
        struct script_step st = { 0 };
        char kind[16] = "", a[64] = "", b[16] = "", c[16] = "";
        int used = 0;
        if (sscanf(s, "%" SCNu64 " %15s %n", &st.cycle, kind, &used) < 2)
            goto bad;
        const char *rest = s + used;
        if (strcmp(kind, "key") == 0 && sscanf(rest, "%63s %15s", a, b) == 2 &&
            (!strcmp(b, "down") || !strcmp(b, "up"))) {
            st.kind = SCRIPT_KEY;
            st.down = !strcmp(b, "down");
            snprintf(st.text, sizeof st.text, "%s", a);
            if (SDL_GetKeyFromName(a) == SDLK_UNKNOWN) {
                snprintf(err, errlen, "--ui-script %s:%u: unknown key '%s' (SDL key names)", path,
                         lineno, a);
                fclose(f);
                return false;
            }
        } else if (strcmp(kind, "shot") == 0 && sscanf(rest, "%63s", a) == 1) {
            st.kind = SCRIPT_SHOT;
            snprintf(st.text, sizeof st.text, "%s", a);
        } else if (strcmp(kind, "text") == 0 && *rest) {
            st.kind = SCRIPT_TEXT;
            snprintf(st.text, sizeof st.text, "%s", rest);
        } else if (strcmp(kind, "mouse") == 0 && sscanf(rest, "%15s %15s %15s", a, b, c) == 3 &&
                   (!strcmp(c, "down") || !strcmp(c, "up"))) {
            st.kind = SCRIPT_MOUSE;
            st.x = atoi(a);
            st.y = atoi(b);
            st.down = !strcmp(c, "down");
        } else {
            goto bad;
        }
        if (st.cycle < last) {
            snprintf(err, errlen,
                     "--ui-script %s:%u: cycle %" PRIu64 " is before the previous step", path,
                     lineno, st.cycle);
            fclose(f);
            return false;
        }
        last = st.cycle;
        if (p->nsteps == cap) {
            cap = cap ? cap * 2 : 16;
            struct script_step *n = realloc(p->steps, cap * sizeof *n);
            if (!n) {
                fclose(f);
                snprintf(err, errlen, "--ui-script: out of memory");
                return false;
            }
            p->steps = n;
        }
        p->steps[p->nsteps++] = st;
        continue;
    bad:
        snprintf(err, errlen,
                 "--ui-script %s:%u: expected 'CYCLE key NAME down|up', 'CYCLE text STRING', "
                 "'CYCLE mouse X Y down|up' or 'CYCLE shot FILE.png'",
                 path, lineno);
        fclose(f);
        return false;
    }
    fclose(f);
    return true;
}

/* ---- life cycle ---- */

struct panel *panel_new(struct observe *ob, struct frames *frames, const struct panel_config *cfg,
                        char *err, size_t errlen)
{
    struct panel *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "--ui: out of memory");
        return NULL;
    }
    p->ob = ob;
    p->m = observe_machine(ob);
    p->frames = frames;
    p->cfg = *cfg;
    p->realtime = cfg->realtime;
    /* The window only shows a finished software frame: X11's shared-memory image is the
     * cheapest copy; an OpenGL texture (llvmpipe under Xvfb) costs the simulation more. */
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    /* SIGINT and SIGTERM stay hartlab's (host/shutdown.h), not an SDL quit event. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        snprintf(err, errlen,
                 "--ui: cannot open a window: %s (is DISPLAY set? under CI use xvfb-run)",
                 SDL_GetError());
        free(p);
        return NULL;
    }
    if (TTF_Init() != 0) {
        snprintf(err, errlen, "--ui: SDL_ttf: %s", TTF_GetError());
        goto fail;
    }
    const char *font = getenv("HARTLAB_FONT");
    if (!font || !*font)
        font = HARTLAB_FONT;
    p->font = TTF_OpenFont(font, FONT_PT);
    if (!p->font) {
        snprintf(err, errlen,
                 "--ui: cannot open the font %s: %s (install fonts-dejavu-core, or set "
                 "HARTLAB_FONT to a monospace .ttf)",
                 font, TTF_GetError());
        goto fail;
    }
    TTF_SetFontHinting(p->font, TTF_HINTING_MONO);
    p->win = SDL_CreateWindow("hartlab", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, WIN_W,
                              WIN_H, 0);
    p->surface = SDL_CreateRGBSurfaceWithFormat(0, WIN_W, WIN_H, 32, SDL_PIXELFORMAT_ARGB8888);
    p->r = p->surface ? SDL_CreateSoftwareRenderer(p->surface) : NULL;
    if (!p->win || !p->r) {
        snprintf(err, errlen, "--ui: cannot create the window: %s", SDL_GetError());
        goto fail;
    }
    SDL_SetRenderDrawBlendMode(p->r, SDL_BLENDMODE_NONE);
    int adv = 8;
    TTF_GlyphMetrics(p->font, 'M', NULL, NULL, NULL, NULL, &adv);
    p->cw = adv;
    p->ch = TTF_FontLineSkip(p->font);
    for (unsigned c = 32; c < 127; c++) {
        SDL_Surface *g =
            TTF_RenderGlyph_Blended(p->font, (Uint16)c, (SDL_Color){ 255, 255, 255, 255 });
        if (g) {
            p->glyph[c] = SDL_CreateTextureFromSurface(p->r, g);
            SDL_FreeSurface(g);
        }
    }
    if (cfg->script && !load_script(p, cfg->script, err, errlen))
        goto fail;
    read_board(p);
    p->uart = observe_nuarts(ob) ? observe_uart(ob, 0) : NULL;
    /* The console UART is the one with a host backend, if several exist. */
    for (unsigned k = 0; k < observe_nuarts(ob); k++)
        if (ns16550_chardev(observe_uart(ob, k))) {
            p->uart = observe_uart(ob, k);
            p->uart_index = k;
            break;
        }
    p->frames_forced = frames && frames->out;
    observe_on_uart(ob, on_uart, p);
    observe_on_trap(ob, on_trap, p);
    observe_on_trap_return(ob, on_trap_return, p);
    observe_on_quantum(ob, on_quantum, p);
    clock_event_init(&p->shot_ev, shot_fired, p);
    clock_event_init(&p->script_ev, script_fired, p);
    /* Screenshots in cycle order (the order given breaks ties). */
    for (unsigned i = 1; i < p->cfg.nshots; i++)
        for (unsigned j = i; j > 0 && p->cfg.shots[j - 1].cycle > p->cfg.shots[j].cycle; j--) {
            __typeof__(p->cfg.shots[0]) t = p->cfg.shots[j];
            p->cfg.shots[j] = p->cfg.shots[j - 1];
            p->cfg.shots[j - 1] = t;
        }
    if (p->cfg.nshots)
        clock_schedule(&p->m->clock, &p->shot_ev, p->cfg.shots[0].cycle);
    if (p->nsteps)
        clock_schedule(&p->m->clock, &p->script_ev, p->steps[0].cycle);
    pace_start(&p->pace, observe_hart_hz(ob), hart_cycles(machine_hart(p->m, 0)));
    p->last_ns = pace_host_ns();
    for (unsigned i = 0; i < 32; i++)
        p->prev_x[i] = hart_reg(machine_hart(p->m, 0), i);
    frame(p);
    return p;
fail:
    panel_free(p);
    return NULL;
}

int panel_finish(struct panel *p, int status)
{
    while (p->next_shot < p->cfg.nshots)
        shoot(p, p->cfg.shots[p->next_shot++].path);
    clock_cancel(&p->m->clock, &p->shot_ev);
    clock_cancel(&p->m->clock, &p->script_ev);
    if (!p->cfg.nshots && !p->cfg.script && !p->quit) {
        SDL_SetWindowTitle(p->win, "hartlab: the run has ended (close the window)");
        while (!p->quit && !shutdown_signal()) {
            pump(p);
            frame(p);
            SDL_Delay(1000 / PANEL_FPS);
        }
    }
    if (p->shot_failed && status == 0)
        status = 2;
    return status;
}

void panel_free(struct panel *p)
{
    if (!p)
        return;
    for (unsigned c = 0; c < 128; c++)
        if (p->glyph[c])
            SDL_DestroyTexture(p->glyph[c]);
    if (p->r)
        SDL_DestroyRenderer(p->r);
    if (p->surface)
        SDL_FreeSurface(p->surface);
    if (p->win)
        SDL_DestroyWindow(p->win);
    if (p->font)
        TTF_CloseFont(p->font);
    if (TTF_WasInit())
        TTF_Quit();
    SDL_Quit();
    for (unsigned k = 0; k < p->cfg.nshots; k++)
        free((char *)p->cfg.shots[k].path); /* views_parse_screenshot's copies */
    free(p->steps);
    free(p);
}
