// The part of <string.h> that lwIP's sources include, for objects built
// with kernel/net/include on the system include path (mk/lwip.mk). Every
// function is the kernel's (kernel/string.c), declared exactly as in
// defs.h, so a file that includes both sees one declaration.

#ifndef BVLAB_NET_STRING_H
#define BVLAB_NET_STRING_H

#include <stddef.h>

int   memcmp(const void*, const void*, unsigned int);
void* memmove(void*, const void*, unsigned int);
void* memcpy(void*, const void*, unsigned int);
void* memset(void*, int, unsigned int);
int   strlen(const char*);
int   strncmp(const char*, const char*, unsigned int);
char* strncpy(char*, const char*, int);
char* strchr(const char*, int);

#endif
