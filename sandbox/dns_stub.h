/* dns_stub.h — the DNS stub of the tripwire (README.md). Its UDP socket is
 * made by the script process right after it entered its own network
 * namespace (so it lives on 127.0.0.1:53 there) and handed to
 * pkgguard-sandbox's parent, which answers every query outside the sandbox:
 * the name is recorded, the answer is NXDOMAIN. The sandbox's
 * /etc/resolv.conf names 127.0.0.1 (mountns.c).
 *
 * Without user namespaces (the fallback) there is no network namespace to
 * bind it in, and no inet socket for the script either: no stub there. */
#ifndef PKGGUARD_DNS_STUB_H
#define PKGGUARD_DNS_STUB_H

#include <stddef.h>

/* Script side: the bound socket, or -errno. */
int dns_stub_socket(void);

/* Parses one DNS query: the first question's name, dotted, lowercase,
 * into name[len], and where the question ends into *end (may be NULL).
 * Returns 0, or -EBADMSG. */
int dns_query_name(const unsigned char *msg, size_t n, char *name, size_t len, size_t *end);

/* Parent side: answers every query waiting on fd, calling seen(ctx, name)
 * for each. */
void dns_stub_answer(int fd, void (*seen)(void *ctx, const char *name), void *ctx);

#endif
