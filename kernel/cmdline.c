// The kernel command line.
//
// GRUB hands the kernel one string: the kernel's own path followed by
// whatever the menu entry adds, e.g.
//
//   /boot/kernel.elf console=com2 virtio_net.poll=1
//
// multiboot.c copies it here with cmdline_init() before anything else runs,
// because the physical page GRUB left it in is not ours to keep. After that
// the string never changes, so lookups need no lock.
//
// A word is `key=value` or a bare `key`; words are separated by spaces.
// Words nobody asks about (the kernel's path, say) are simply never matched.
// If a key appears twice the last word wins, so a value appended to the
// command line overrides one that came before it.

#include "types.h"
#include "param.h"
#include "defs.h"

char cmdline[CMDLINE_MAX];

// Keep a private copy of s. A line too long for the buffer is cut at the
// last whole word that fits, so no half word (a key that lost its value,
// say) is ever seen by a lookup.
void
cmdline_init(const char *s)
{
  int i, lastspace;

  if(s == 0){
    cmdline[0] = 0;
    return;
  }
  lastspace = 0;
  for(i = 0; s[i] && i < CMDLINE_MAX-1; i++){
    // Tabs and newlines separate words like spaces do.
    cmdline[i] = (s[i] == '\t' || s[i] == '\n' || s[i] == '\r') ? ' ' : s[i];
    if(cmdline[i] == ' ')
      lastspace = i;
  }
  if(s[i] != 0 && s[i] != ' ')
    i = lastspace;
  cmdline[i] = 0;
}

// Find the last word whose key is `key`. Returns a pointer to the character
// after the key ('=' or the end of the word), or 0 if there is none.
static const char*
findkey(const char *key)
{
  const char *p, *k, *found;

  found = 0;
  p = cmdline;
  for(;;){
    while(*p == ' ')
      p++;
    if(*p == 0)
      return found;
    for(k = key; *k && *p == *k; k++, p++)
      ;
    if(*k == 0 && (*p == '=' || *p == ' ' || *p == 0))
      found = p;
    // Skip the rest of this word.
    while(*p && *p != ' ')
      p++;
  }
}

// If `key` is on the command line, copy its value (the empty string for a
// bare key) into val, which holds n bytes, and return 1. Otherwise return 0.
// A value longer than n-1 bytes is truncated.
int
cmdline_get(const char *key, char *val, int n)
{
  const char *p;
  int i;

  p = findkey(key);
  if(p == 0)
    return 0;
  if(*p == '=')
    p++;
  else
    p = "";
  if(val == 0 || n <= 0)
    return 1;
  for(i = 0; i < n-1 && p[i] && p[i] != ' '; i++)
    val[i] = p[i];
  val[i] = 0;
  return 1;
}

// Is `key` switched on? A bare `key` or key=1, key=on, key=yes, key=true
// count as on; anything else (key=0, key=off, absent) as off.
int
cmdline_flag(const char *key)
{
  char v[8];

  if(!cmdline_get(key, v, sizeof(v)))
    return 0;
  return v[0] == 0 || strncmp(v, "1", 2) == 0 || strncmp(v, "on", 3) == 0 ||
         strncmp(v, "yes", 4) == 0 || strncmp(v, "true", 5) == 0;
}
