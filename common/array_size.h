/* array_size.h — the number of elements of an array (not of a pointer). */
#ifndef PKGGUARD_ARRAY_SIZE_H
#define PKGGUARD_ARRAY_SIZE_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
