/* netns.c — the script's own network namespace: nothing but lo, brought
 * up so local-only tools (a test server on 127.0.0.1 inside) behave, while
 * no route leads out of the namespace. */
#include "layers.h"
#include "log.h"

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int netns_loopback_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int r = 0;

	if (fd < 0)
		return log_fail(errno, "net namespace: socket(AF_INET) for lo");
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
		r = log_fail(errno, "net namespace: ioctl(SIOCGIFFLAGS, lo)");
	else {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
			r = log_fail(errno, "net namespace: ioctl(SIOCSIFFLAGS, lo up)");
	}
	close(fd);
	return r;
}

int netns_enter_empty(void)
{
	if (unshare(CLONE_NEWNET) != 0)
		return log_fail(errno, "net namespace: unshare(CLONE_NEWNET)");
	return netns_loopback_up();
}
