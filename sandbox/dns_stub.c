/* dns_stub.c — records DNS names, answers NXDOMAIN (dns_stub.h). */
#include "dns_stub.h"
#include "log.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DNS_HEADER 12
#define QUERIES_PER_WAKEUP 64

int dns_stub_socket(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(53),
				 .sin_addr = { htonl(INADDR_LOOPBACK) } };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return log_fail(errno, "tripwire: DNS stub socket");
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		int err = errno;
		close(fd);
		return log_fail(err, "tripwire: bind the DNS stub to 127.0.0.1:53");
	}
	return fd;
}

int dns_query_name(const unsigned char *msg, size_t n, char *name, size_t len, size_t *end)
{
	size_t at = DNS_HEADER, out = 0;

	if (n < DNS_HEADER || len == 0 || (msg[2] & 0x80) || ((msg[4] << 8) | msg[5]) == 0)
		return -EBADMSG; /* not a query, or no question */
	for (;;) {
		if (at >= n)
			return -EBADMSG;
		unsigned label = msg[at++];
		if (label == 0)
			break;
		if (label > 63 || at + label > n || out + label + 2 > len)
			return -EBADMSG; /* compression has no place in a question */
		if (out)
			name[out++] = '.';
		for (unsigned i = 0; i < label; i++) {
			unsigned char c = msg[at + i];
			name[out++] = (char)(isprint(c) && c != '"' && c != '\\' ? tolower(c) : '?');
		}
		at += label;
	}
	if (out == 0)
		name[out++] = '.';
	name[out] = '\0';
	if (at + 4 > n)
		return -EBADMSG;
	if (end)
		*end = at + 4; /* type and class */
	return 0;
}

void dns_stub_answer(int fd, void (*seen)(void *ctx, const char *name), void *ctx)
{
	unsigned char msg[512];
	char name[256];

	for (int i = 0; i < QUERIES_PER_WAKEUP; i++) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(fd, msg, sizeof(msg), MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
		if (n < 0)
			return;
		size_t end;
		if (dns_query_name(msg, (size_t)n, name, sizeof(name), &end) != 0)
			continue;
		seen(ctx, name);
		/* The question back with QR, RA and rcode 3 (NXDOMAIN); no
		 * records (an EDNS record of the query is cut off). */
		msg[2] = (unsigned char)(0x80 | (msg[2] & 0x79));
		msg[3] = 0x80 | 3;
		msg[4] = 0;
		msg[5] = 1;
		memset(msg + 6, 0, 6);
		if (sendto(fd, msg, end, MSG_DONTWAIT, (struct sockaddr *)&from, flen) < 0)
			continue; /* the script stopped waiting; nothing to do */
	}
}
