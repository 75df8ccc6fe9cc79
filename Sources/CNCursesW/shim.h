// ncursesw exposes wide-character drawing only with NCURSES_WIDECHAR set before the header,
// and keeps stdscr and the attribute bits as a global and macros Swift cannot see: the UI's
// one curses file reaches them through these accessors.
#ifndef CDNTOP_CNCURSESW_SHIM_H
#define CDNTOP_CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <ncursesw/curses.h>

static inline WINDOW *cdntop_stdscr(void) { return stdscr; }
static inline int cdntop_lines(void) { return LINES; }
static inline int cdntop_cols(void) { return COLS; }
static inline attr_t cdntop_attr_bold(void) { return A_BOLD; }
static inline attr_t cdntop_attr_dim(void) { return A_DIM; }
static inline attr_t cdntop_attr_reverse(void) { return A_REVERSE; }
static inline attr_t cdntop_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t cdntop_color_pair(short pair) { return COLOR_PAIR(pair); }
#endif
