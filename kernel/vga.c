// VGA text mode: the 80x25 screen that BIOS (and GRUB) leave behind.
//
// The screen is an array of 16-bit cells at physical 0xB8000, each a
// character in the low byte and its colours in the high byte; we reach it
// through the kernel's direct map. The blinking cursor is separate: the CRT
// controller keeps its position in two registers (14 high, 15 low) behind
// the index/data port pair 0x3D4/0x3D5. We read the cursor at init so our
// output continues below whatever the boot loader printed, and scroll by
// moving every row up one when the last row is full.
//
// vgaputc is called with the console lock held (or by a panicking CPU
// alone), so it needs no lock of its own.

#include "types.h"
#include "defs.h"
#include "memlayout.h"
#include "x86.h"

#define VGA_MEM     0xB8000
#define COLS        80
#define ROWS        25
#define ATTR        0x0700   // light grey on black

#define CRTC_INDEX  0x3D4
#define CRTC_DATA   0x3D5
#define CRTC_CURHI  14
#define CRTC_CURLO  15

static ushort *screen;
static int pos;              // cursor: row*COLS + column

static int
getcursor(void)
{
  int p;

  outb(CRTC_INDEX, CRTC_CURHI);
  p = inb(CRTC_DATA) << 8;
  outb(CRTC_INDEX, CRTC_CURLO);
  p |= inb(CRTC_DATA);
  return p;
}

static void
setcursor(int p)
{
  outb(CRTC_INDEX, CRTC_CURHI);
  outb(CRTC_DATA, p >> 8);
  outb(CRTC_INDEX, CRTC_CURLO);
  outb(CRTC_DATA, p);
}

void
vgainit(void)
{
  screen = (ushort*)P2V(VGA_MEM);
  pos = getcursor();
  // A cursor off the screen means nobody set it up; start at the top.
  if(pos < 0 || pos >= ROWS*COLS)
    pos = 0;
}

// Move everything up one row and blank the last row.
static void
scroll(void)
{
  int i;

  memmove(screen, screen + COLS, sizeof(screen[0]) * (ROWS-1) * COLS);
  for(i = (ROWS-1)*COLS; i < ROWS*COLS; i++)
    screen[i] = ATTR | ' ';
  pos -= COLS;
}

// Show c. '\n' starts a new line, '\b' erases the character before the
// cursor (the console's echo of a backspace), '\r' returns to column 0.
void
vgaputc(int c)
{
  if(screen == 0)
    return;
  c &= 0xFF;
  if(c == '\n'){
    pos += COLS - pos % COLS;
  } else if(c == '\r'){
    pos -= pos % COLS;
  } else if(c == '\b'){
    if(pos > 0)
      screen[--pos] = ATTR | ' ';
  } else if(c == '\t'){
    do
      screen[pos++] = ATTR | ' ';
    while(pos % 8 != 0);
  } else {
    screen[pos++] = ATTR | c;
  }
  while(pos >= ROWS*COLS)
    scroll();
  setcursor(pos);
}
