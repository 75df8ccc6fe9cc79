// ncursesw exposes wide-character drawing only with NCURSES_WIDECHAR set before the header,
// and keeps stdscr, LINES/COLS and the attribute bits as globals and macros Swift cannot see:
// the UI's one curses file reaches them through these accessors.
// NCURSES_WIDECHAR is all the wide functions need; it is what pkg-config's
// -D_XOPEN_SOURCE=600 would have switched on, and the target does not use pkg-config
// (SwiftPM refuses those flags). libncursesw's linker script brings in libtinfo.
#ifndef CDNTOP_CNCURSESW_SHIM_H
#define CDNTOP_CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <stdio.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

static inline WINDOW *cdntop_stdscr(void) { return stdscr; }
static inline FILE *cdntop_stdout(void) { return stdout; }
static inline FILE *cdntop_stdin(void) { return stdin; }
static inline int cdntop_lines(void) { return LINES; }
static inline int cdntop_cols(void) { return COLS; }
static inline int cdntop_colors(void) { return COLORS; }
static inline int cdntop_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t cdntop_attr_bold(void) { return A_BOLD; }
static inline attr_t cdntop_attr_dim(void) { return A_DIM; }
static inline attr_t cdntop_attr_reverse(void) { return A_REVERSE; }
static inline attr_t cdntop_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t cdntop_attr_normal(void) { return A_NORMAL; }

/// Sets the attributes and colour pair of what is drawn next. The pair goes through `opts`
/// too, so pairs beyond 32767 (direct colour) work.
static inline int cdntop_set_style(attr_t attrs, int pair) {
    return wattr_set(stdscr, attrs, (short)(pair > 32767 ? 0 : pair), &pair);
}

/// Draws `count` wide characters at (y, x).
static inline int cdntop_put(int y, int x, const wchar_t *text, int count) {
    return mvwaddnwstr(stdscr, y, x, text, count);
}

/// A terminfo string capability, or NULL when the terminal has none.
static inline const char *cdntop_terminfo_string(const char *name) {
    char *value = tigetstr(name);
    return (value == (char *)-1 || value == NULL) ? NULL : value;
}
#endif
