// The part of <stdlib.h> that lwIP's sources use (netif.c: atoi), for
// objects built with kernel/net/include on the system include path. The
// function is the kernel's (kernel/string.c). mem.c includes this header
// too, for malloc, which lwIP never calls here: MEM_LIBC_MALLOC is 0.

#ifndef BVLAB_NET_STDLIB_H
#define BVLAB_NET_STDLIB_H

int atoi(const char*);

#endif
