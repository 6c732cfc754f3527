// The PS/2 keyboard, US layout.
//
// The i8042 controller delivers one byte per key event on port 0x60 and
// says on port 0x64 whether a byte is waiting (and whether it came from
// the mouse instead). We use scan-code set 1, the one the controller
// translates to by default: a key press sends the key's code, its release
// the same code with bit 7 set; a few keys send an 0xE0 byte first.
//
// kbdgetc turns that stream into characters: it tracks Shift, Ctrl and
// Caps Lock and returns a byte for every key press that means one. The
// layout is written as rows of the physical keyboard, each a run of
// consecutive scan codes, rather than as one 128-entry table: a row is easy
// to check against the keycaps.

#include "types.h"
#include "defs.h"
#include "x86.h"

#define KBD_STATUS  0x64
#define KBD_DATA    0x60
#define ST_FULL     0x01    // a byte is waiting in KBD_DATA
#define ST_AUX      0x20    // ... and it is from the mouse

#define SC_RELEASE  0x80
#define SC_EXTEND   0xE0    // the next code is of an extended key

// Scan codes of the keys that change how others are read.
#define SC_CTRL     0x1D    // left; right Ctrl is E0 1D
#define SC_LSHIFT   0x2A
#define SC_RSHIFT   0x36
#define SC_ALT      0x38    // left; right Alt is E0 38
#define SC_CAPS     0x3A

// Modifier state bits.
#define M_SHIFT     0x01
#define M_CTRL      0x02
#define M_ALT       0x04
#define M_CAPS      0x08    // a toggle, not a held key

struct keyrow {
  uchar first;          // scan code of the row's first key
  char *plain;          // one character per key, in scan-code order
  char *shifted;
};

static struct keyrow rows[] = {
  { 0x01, "\x1b" "1234567890-=\b\t", "\x1b" "!@#$%^&*()_+\b\t" },
  { 0x10, "qwertyuiop[]\n",           "QWERTYUIOP{}\n" },
  { 0x1E, "asdfghjkl;'`",             "ASDFGHJKL:\"~" },
  { 0x2B, "\\zxcvbnm,./",             "|ZXCVBNM<>?" },
  { 0x37, "*",                        "*" },
  { 0x39, " ",                        " " },
  // The numeric keypad, as with Num Lock on.
  { 0x47, "789-456+1230.",            "789-456+1230." },
};

// Extended keys that type a character: keypad Enter and keypad slash.
// (The arrows and the editing block have no meaning to the console.)
static int
extendedchar(int sc)
{
  if(sc == 0x1C)
    return '\n';
  if(sc == 0x35)
    return '/';
  return 0;
}

static int
lookup(int sc, int shift)
{
  int i, len;
  struct keyrow *r;

  for(i = 0; i < NELEM(rows); i++){
    r = &rows[i];
    len = strlen(r->plain);
    if(sc >= r->first && sc < r->first + len)
      return shift ? r->shifted[sc - r->first] : r->plain[sc - r->first];
  }
  return 0;
}

// Return the next character typed, 0 for a key event that types nothing,
// or -1 if the controller has no byte waiting.
static int
kbdgetc(void)
{
  static int mods;
  static int extended;
  uint st, sc;
  int c, bit;

  st = inb(KBD_STATUS);
  if((st & ST_FULL) == 0)
    return -1;
  sc = inb(KBD_DATA);
  if(st & ST_AUX)
    return 0;                  // a mouse byte: not ours

  if(sc == SC_EXTEND){
    extended = 1;
    return 0;
  }

  // Shift, Ctrl and Alt count while held; Caps Lock flips on each press.
  switch(sc & ~SC_RELEASE){
  case SC_LSHIFT: case SC_RSHIFT:
    bit = extended ? 0 : M_SHIFT;   // E0 2A is a fake shift some keys send
    break;
  case SC_CTRL:
    bit = M_CTRL;
    break;
  case SC_ALT:
    bit = M_ALT;
    break;
  default:
    bit = 0;
  }
  if(bit){
    if(sc & SC_RELEASE)
      mods &= ~bit;
    else
      mods |= bit;
    extended = 0;
    return 0;
  }
  if(sc == SC_CAPS){
    mods ^= M_CAPS;
    return 0;
  }
  if(sc & SC_RELEASE){
    extended = 0;
    return 0;
  }

  if(extended){
    extended = 0;
    c = extendedchar(sc);
  } else {
    c = lookup(sc, mods & M_SHIFT);
  }

  // Caps Lock swaps the case of letters only.
  if((mods & M_CAPS) && c >= 'a' && c <= 'z')
    c += 'A' - 'a';
  else if((mods & M_CAPS) && c >= 'A' && c <= 'Z')
    c += 'a' - 'A';
  // Ctrl with a letter (or @ [ \ ] ^ _) gives the control code.
  if((mods & M_CTRL) && c >= '@' && c < 0x7F)
    c &= 0x1F;
  return c;
}

void
kbdintr(void)
{
  consoleintr(kbdgetc);
}
