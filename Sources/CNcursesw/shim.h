#ifndef MMSCOPE_CNCURSESW_SHIM_H
#define MMSCOPE_CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <ncurses.h>

/* Macros and globals Swift cannot see directly. */
static inline WINDOW *mm_stdscr(void) { return stdscr; }
static inline int mm_lines(void) { return LINES; }
static inline int mm_cols(void) { return COLS; }
static inline int mm_colors(void) { return COLORS; }
static inline int mm_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t mm_a_bold(void) { return A_BOLD; }
static inline attr_t mm_a_dim(void) { return A_DIM; }
static inline attr_t mm_a_reverse(void) { return A_REVERSE; }
static inline attr_t mm_a_underline(void) { return A_UNDERLINE; }
static inline attr_t mm_a_normal(void) { return A_NORMAL; }
static inline mmask_t mm_button1_clicked(void) { return BUTTON1_CLICKED | BUTTON1_PRESSED; }
static inline int mm_key_mouse(void) { return KEY_MOUSE; }
static inline int mm_key_resize(void) { return KEY_RESIZE; }

/* From <term.h>, declared here so that header's capability macros (lines, columns, ...) stay out. */
struct term;
extern int setupterm(const char *, int, int *);
extern struct term *set_curterm(struct term *);
extern int del_curterm(struct term *);

/* What terminfo says of the terminal TERM names, asked before curses starts (initscr on a terminal
   terminfo does not know prints its own message and exits): 1 it can move the cursor (cup), 0 it
   cannot (dumb, hardcopy), -1 terminfo does not describe it (or has no database). */
static inline int mm_terminal_can_move_cursor(void) {
  int err = 0;
  if (setupterm(NULL, 1, &err) != OK) return err == 1 ? 0 : -1;
  char *cup = tigetstr("cup");
  int can = cup != NULL && cup != (char *)-1;
  del_curterm(set_curterm(NULL));
  return can ? 1 : 0;
}

/* One cell: a wide character with attributes and a colour pair. */
static inline int mm_put_cell(int y, int x, wchar_t ch, attr_t attrs, short pair) {
  cchar_t c;
  wchar_t s[2] = {ch, 0};
  setcchar(&c, s, attrs, pair, NULL);
  return mvadd_wch(y, x, &c);
}
#endif
