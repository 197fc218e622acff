/* probe.c — one small binary that tries one harmful (or merely observable)
 * action and says whether it worked. The integration suite runs every probe
 * twice: outside the sandbox (the control, which must succeed) and inside it
 * (which must not).
 *
 *   probe SUBCOMMAND [ARGS...]
 *
 * Every subcommand prints ONE line on stdout and exits
 *   0  the action SUCCEEDED (for an attack: the sandbox failed to stop it),
 *   1  the action was refused or failed (the line names the errno),
 *   2  usage error, or the action cannot be judged here.
 *
 * Network
 *   tcp HOST PORT            connect (3 s), send "probe\n"; ok = connected
 *   udp HOST PORT            send one datagram; ok = sendto() accepted it.
 *                            The effect (arrival) is judged by the listener.
 *   dns NAME                 getaddrinfo(NAME); ok = a resolver answered
 *                            (an address, or EAI_NONAME "no such name");
 *                            refused = EAI_AGAIN/EAI_SYSTEM/... (no answer)
 *   unix PATH                connect to a unix stream socket
 *   abstract NAME            connect to the abstract unix socket "\0NAME"
 *   listen tcp|udp HOST PORT LOG   listener used by the tests (not an attack):
 *   listen unix PATH LOG           appends one line per connection/datagram to
 *   listen abstract NAME LOG       LOG; writes the bound port (or 0) to
 *                                  LOG.port once it is ready; exits after 600 s
 * Files
 *   read FILE                ok = at least one byte read (an empty file, as a
 *                            hidden file appears, counts as refused); the
 *                            line shows the start of the content
 *   write FILE [TEXT]        create/truncate FILE and write TEXT
 *   fill FILE MB             write MB MiB into one file (SIGXFSZ ignored,
 *                            so RLIMIT_FSIZE shows as EFBIG)
 *   fillmany DIR MB [TAG]    write MB files of 1 MiB each into DIR, named
 *                            pkgguard-fill[-TAG].N
 * Processes
 *   kill PID [SIG]           kill(PID, SIG), default SIGTERM
 *   ptrace PID [MARKER]      PTRACE_SEIZE the process; with MARKER the
 *                            target's /proc/PID/cmdline must contain MARKER
 *                            (so a pid that merely exists in another pid
 *                            namespace does not count as the target)
 *   procmem PID [MARKER]     read 16 bytes of /proc/PID/mem at the start of
 *                            its first readable mapping
 *   daemon FILE [SECONDS]    double fork + setsid, SIGHUP ignored; the
 *                            grandchild appends a line to FILE every 100 ms
 *                            for SECONDS (default 10) s; prints its pid
 *   forkbomb MAX SECONDS FILE  every process forks forever (retrying on
 *                            EAGAIN) and each new process appends 2 bytes
 *                            to FILE; stops at MAX processes or after
 *                            SECONDS, kills the whole bomb and reaps it;
 *                            ok = MAX processes were reached
 *   memhog MB                malloc + touch MB MiB in 16 MiB steps
 *   setuid FILE              run FILE (a setuid-root copy of this probe) as
 *                            "FILE euid"; ok = it reported euid 0 while the
 *                            caller is not root (2 when the caller is root)
 *   euid                     print the effective uid (used by setuid)
 *   ptyrun CMD [ARGS...]     test harness: run CMD with a new pty as stdin
 *                            (raw mode); afterwards read what is queued as
 *                            input on the pty; ok = CMD injected bytes there
 * Kernel attack surface
 *   syscall NAME             see the table below.
 *
 * syscall table. Each call is harmless with the arguments used (an action
 * that changes state happens in a throw-away child, or the arguments are
 * chosen so the kernel rejects them after the seccomp filter has let the call
 * through). Criteria:
 *   SUCCEEDS  ok = the call returned >= 0 (the action happened)
 *   REACHED   ok = the call returned >= 0 or failed with an errno other than
 *             EPERM and ENOSYS, i.e. it got past seccomp into the syscall's
 *             own code (the errno a seccomp deny gives is EPERM, or ENOSYS
 *             for clone3 and unknown ABIs); a SIGSYS death counts as refused
 *
 *   name                   call and arguments                         criterion
 *   unshare-user           unshare(CLONE_NEWUSER) in a child          SUCCEEDS
 *   unshare-mount          unshare(CLONE_NEWNS) in a child            SUCCEEDS (root)
 *   unshare-net            unshare(CLONE_NEWNET) in a child           SUCCEEDS (root)
 *   setns                  setns(open(/proc/self/ns/net), NEWNET)     SUCCEEDS (root)
 *   clone-newuser          raw clone(CLONE_NEWUSER|SIGCHLD)           SUCCEEDS
 *   clone-newns            raw clone(CLONE_NEWNS|SIGCHLD)             SUCCEEDS (root)
 *   clone3                 clone3({.exit_signal=SIGCHLD})             SUCCEEDS
 *   mount                  mount("none", "/nonexistent/…", tmpfs)     REACHED (ENOENT)
 *   umount2                umount2("/nonexistent/…", 0)               REACHED (ENOENT)
 *   pivot_root             pivot_root("/nonexistent/…", same)         REACHED (root)
 *   chroot                 chroot("/nonexistent/…")                   REACHED (ENOENT)
 *   ptrace-traceme         ptrace(PTRACE_TRACEME) in a child          SUCCEEDS
 *   process_vm_readv       read one of our own variables              SUCCEEDS
 *   process_vm_writev      write one of our own variables             SUCCEEDS
 *   bpf                    bpf(BPF_MAP_CREATE, map_type 0)            REACHED (EINVAL, root)
 *   perf_event_open        software dummy counter, self, user only    SUCCEEDS
 *   userfaultfd            userfaultfd(UFFD_USER_MODE_ONLY)           SUCCEEDS
 *   io_uring_setup         io_uring_setup(1, {0})                     SUCCEEDS
 *   io_uring_enter         io_uring_enter(-1, …)                      REACHED (EBADF)
 *   io_uring_register      io_uring_register(-1, …)                   REACHED (EBADF)
 *   keyctl                 keyctl(GET_KEYRING_ID, USER_KEYRING, 0)    SUCCEEDS
 *   add_key                add_key("user", …, PROCESS_KEYRING)        SUCCEEDS
 *   request_key            request_key("user", "<absent>", NULL, 0)   REACHED (ENOKEY)
 *   kexec_load             kexec_load(0, 0, NULL, bad flag 0x100)     REACHED (EINVAL, root)
 *   init_module            init_module("junk", 4, "")                 REACHED (ENOEXEC, root)
 *   finit_module           finit_module(/dev/null, "", 0)             REACHED (EINVAL, root)
 *   delete_module          delete_module("<absent>", O_NONBLOCK)      REACHED (ENOENT, root)
 *   open_by_handle_at      handle of "/" from name_to_handle_at       SUCCEEDS (root)
 *   personality            personality(ADDR_NO_RANDOMIZE) in a child  SUCCEEDS (read back)
 *   ioctl-tiocsti          TIOCSTI | 1<<32 on fd 0 made the controlling
 *                          tty of a new session (run under ptyrun)    SUCCEEDS
 *   ioctl-tiocsti-plain    the same with the plain request number     SUCCEEDS
 *   ioctl-tioclinux        TIOCLINUX | 1<<32 on fd 0, subcode 7       REACHED (ENOTTY)
 *   socket-vsock           socket(AF_VSOCK, SOCK_STREAM, 0)           SUCCEEDS
 *   socket-packet          socket(AF_PACKET, SOCK_RAW, ETH_P_ALL)     SUCCEEDS (root)
 *   socket-netlink-audit   socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT) SUCCEEDS
 *   socket-inet            socket(AF_INET, SOCK_STREAM, 0)            SUCCEEDS
 *   socket-unix            socket(AF_UNIX, SOCK_STREAM, 0)            SUCCEEDS
 *   socket-netlink-route   socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE) SUCCEEDS
 *   int80                  32-bit getpid through int $0x80            SUCCEEDS (= getpid())
 *   x32                    syscall(39 | __X32_SYSCALL_BIT) (getpid)   SUCCEEDS (= getpid())
 * "(root)": an unprivileged caller is refused by the kernel itself, so the
 * control of that row runs as root. A control that fails with ENOSYS (the
 * kernel lacks the call) or "unsupported" makes the row a skip. */

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/netlink.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <linux/userfaultfd.h>
#include <linux/vm_sockets.h>

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif
#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

#define OK 0
#define REFUSED 1
#define USAGE 2

static const char *sub = "probe";

/* Symbolic errno names (strerror alone is ambiguous in test logs). */
static const char *errname(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case E2BIG: return "E2BIG";
	case ENOEXEC: return "ENOEXEC";
	case EBADF: return "EBADF";
	case ECHILD: return "ECHILD";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EXDEV: return "EXDEV";
	case ENODEV: return "ENODEV";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case ENFILE: return "ENFILE";
	case EMFILE: return "EMFILE";
	case ENOTTY: return "ENOTTY";
	case EFBIG: return "EFBIG";
	case ENOSPC: return "ENOSPC";
	case ESPIPE: return "ESPIPE";
	case EROFS: return "EROFS";
	case EPIPE: return "EPIPE";
	case ERANGE: return "ERANGE";
	case ENOSYS: return "ENOSYS";
	case ENOKEY: return "ENOKEY";
	case ESTALE: return "ESTALE";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EADDRINUSE: return "EADDRINUSE";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case ENETDOWN: return "ENETDOWN";
	case ENETUNREACH: return "ENETUNREACH";
	case ECONNRESET: return "ECONNRESET";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ECONNREFUSED: return "ECONNREFUSED";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	case EALREADY: return "EALREADY";
	case EINPROGRESS: return "EINPROGRESS";
	case ELOOP: return "ELOOP";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	default: return "E?";
	}
}

/* One result line "probe SUB: ok: ..." / "probe SUB: refused: ERRNO (...)". */
static int say(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int say(int status, const char *fmt, ...)
{
	va_list ap;
	printf("probe %s: %s: ", sub, status == OK ? "ok" : status == REFUSED ? "refused" : "usage");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return status;
}

static int refused_errno(int e, const char *what)
{
	return say(REFUSED, "%s (%s: %s)", errname(e), what, strerror(e));
}

static int parse_long(const char *s, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 0);
	if (errno || end == s || *end)
		return -1;
	*out = v;
	return 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Appends one line to FILE (used by listeners and daemons). */
static void append_line(const char *file, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append_line(const char *file, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof buf - 2)
		n = (int)sizeof buf - 2;
	buf[n++] = '\n';
	int fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	(void)write_all(fd, buf, (size_t)n);
	close(fd);
}

/* ---------------------------------------------------------------- network */

static int resolve_numeric(const char *host, const char *port, int socktype,
			   struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints, *res;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = socktype;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0)
		return -1;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int cmd_tcp(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	if (argc != 2)
		return say(USAGE, "tcp HOST PORT");
	if (resolve_numeric(argv[0], argv[1], SOCK_STREAM, &ss, &len))
		return say(USAGE, "not a numeric address: %s %s", argv[0], argv[1]);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return refused_errno(errno, "socket");
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		if (errno != EINPROGRESS)
			return refused_errno(errno, "connect");
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		int n = poll(&pfd, 1, 3000);
		if (n == 0)
			return refused_errno(ETIMEDOUT, "connect");
		int err = 0;
		socklen_t el = sizeof err;
		if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
			return refused_errno(errno, "poll");
		if (err)
			return refused_errno(err, "connect");
	}
	(void)!write(fd, "probe\n", 6);
	close(fd);
	return say(OK, "connected to %s port %s", argv[0], argv[1]);
}

static int cmd_udp(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	if (argc != 2)
		return say(USAGE, "udp HOST PORT");
	if (resolve_numeric(argv[0], argv[1], SOCK_DGRAM, &ss, &len))
		return say(USAGE, "not a numeric address: %s %s", argv[0], argv[1]);
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return refused_errno(errno, "socket");
	ssize_t n = sendto(fd, "probe-udp\n", 10, 0, (struct sockaddr *)&ss, len);
	if (n != 10)
		return refused_errno(n < 0 ? errno : EIO, "sendto");
	close(fd);
	return say(OK, "datagram sent to %s port %s (arrival is judged by the listener)", argv[0], argv[1]);
}

static int cmd_dns(int argc, char **argv)
{
	struct addrinfo hints, *res;
	if (argc != 1)
		return say(USAGE, "dns NAME");
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	int rc = getaddrinfo(argv[0], NULL, &hints, &res);
	if (rc == 0) {
		char addr[INET6_ADDRSTRLEN] = "?";
		if (res->ai_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, addr, sizeof addr);
		else if (res->ai_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, addr, sizeof addr);
		freeaddrinfo(res);
		return say(OK, "%s resolved to %s", argv[0], addr);
	}
	if (rc == EAI_NONAME)
		return say(OK, "a resolver answered: %s does not exist (EAI_NONAME)", argv[0]);
	const char *name = rc == EAI_AGAIN ? "EAI_AGAIN" : rc == EAI_FAIL ? "EAI_FAIL" :
			   rc == EAI_SYSTEM ? "EAI_SYSTEM" : rc == EAI_NODATA ? "EAI_NODATA" : "EAI_?";
	return say(REFUSED, "%s, no answer (%s)", name, gai_strerror(rc));
}

static int unix_addr(const char *name, int abstract, struct sockaddr_un *sa, socklen_t *len)
{
	size_t n = strlen(name);
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	if (n + 2 > sizeof sa->sun_path)
		return -1;
	memcpy(sa->sun_path + (abstract ? 1 : 0), name, n);
	/* a path counts its NUL, an abstract name its leading NUL */
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	return 0;
}

static int cmd_unix(int argc, char **argv, int abstract)
{
	struct sockaddr_un sa;
	socklen_t len;
	if (argc != 1 || unix_addr(argv[0], abstract, &sa, &len))
		return say(USAGE, abstract ? "abstract NAME" : "unix PATH");
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return refused_errno(errno, "socket");
	if (connect(fd, (struct sockaddr *)&sa, len) < 0)
		return refused_errno(errno, "connect");
	(void)!write(fd, "probe\n", 6);
	close(fd);
	return say(OK, "connected to %s%s", abstract ? "@" : "", argv[0]);
}

/* The listener: not an attack, the tests' witness. */
static int cmd_listen(int argc, char **argv)
{
	struct sockaddr_storage ss;
	struct sockaddr_un sun;
	socklen_t len;
	int fd, dgram = 0, family;
	const char *log;
	char portfile[4096], tmpfile[4096];

	if (argc < 3)
		return say(USAGE, "listen tcp|udp HOST PORT LOG | listen unix|abstract NAME LOG");
	if (!strcmp(argv[0], "tcp") || !strcmp(argv[0], "udp")) {
		if (argc != 4)
			return say(USAGE, "listen tcp|udp HOST PORT LOG");
		dgram = !strcmp(argv[0], "udp");
		if (resolve_numeric(argv[1], argv[2], dgram ? SOCK_DGRAM : SOCK_STREAM, &ss, &len))
			return say(USAGE, "not a numeric address: %s", argv[1]);
		family = ss.ss_family;
		log = argv[3];
	} else if (!strcmp(argv[0], "unix") || !strcmp(argv[0], "abstract")) {
		if (argc != 3)
			return say(USAGE, "listen unix|abstract NAME LOG");
		if (unix_addr(argv[1], argv[0][0] == 'a', &sun, &len))
			return say(USAGE, "name too long");
		memcpy(&ss, &sun, sizeof sun);
		family = AF_UNIX;
		log = argv[2];
	} else {
		return say(USAGE, "listen: unknown kind %s", argv[0]);
	}
	fd = socket(family, (dgram ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return refused_errno(errno, "socket");
	int one = 1;
	if (family != AF_UNIX)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		return refused_errno(errno, "bind");
	if (!strcmp(argv[0], "unix"))
		chmod(argv[1], 0777); /* any test user may connect */
	if (!dgram && listen(fd, 64) < 0)
		return refused_errno(errno, "listen");
	int port = 0;
	len = sizeof ss;
	if (family != AF_UNIX && getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
				       : ((struct sockaddr_in6 *)&ss)->sin6_port);
	/* LOG exists (empty) before LOG.port appears. */
	int lf = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (lf < 0)
		return refused_errno(errno, "open log");
	close(lf);
	snprintf(portfile, sizeof portfile, "%s.port", log);
	snprintf(tmpfile, sizeof tmpfile, "%s.port.tmp", log);
	FILE *pf = fopen(tmpfile, "w");
	if (!pf || fprintf(pf, "%d\n", port) < 0 || fclose(pf) != 0 || rename(tmpfile, portfile) < 0)
		return refused_errno(errno, "write port file");

	alarm(600); /* never outlive a broken test run for long */
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t pl = sizeof peer;
		char host[INET6_ADDRSTRLEN + 8] = "local", buf[256];
		if (dgram) {
			ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &pl);
			if (n < 0)
				continue;
			if (peer.ss_family == AF_INET)
				inet_ntop(AF_INET, &((struct sockaddr_in *)&peer)->sin_addr, host, sizeof host);
			else if (peer.ss_family == AF_INET6)
				inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&peer)->sin6_addr, host, sizeof host);
			append_line(log, "dgram from %s, %zd bytes", host, n);
		} else {
			int c = accept4(fd, (struct sockaddr *)&peer, &pl, SOCK_CLOEXEC);
			if (c < 0)
				continue;
			if (peer.ss_family == AF_INET)
				inet_ntop(AF_INET, &((struct sockaddr_in *)&peer)->sin_addr, host, sizeof host);
			else if (peer.ss_family == AF_INET6)
				inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&peer)->sin6_addr, host, sizeof host);
			append_line(log, "conn from %s", host);
			close(c);
		}
	}
}

/* ------------------------------------------------------------------ files */

static int cmd_read(int argc, char **argv)
{
	char buf[4096], shown[81];
	if (argc != 1)
		return say(USAGE, "read FILE");
	int fd = open(argv[0], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return refused_errno(errno, "open");
	ssize_t n = read(fd, buf, sizeof buf);
	if (n < 0)
		return refused_errno(errno, "read");
	close(fd);
	if (n == 0)
		return say(REFUSED, "empty (0 bytes read from %s)", argv[0]);
	size_t k = 0;
	for (ssize_t i = 0; i < n && k < sizeof shown - 1; i++)
		shown[k++] = (buf[i] >= 0x20 && buf[i] < 0x7f) ? buf[i] : '.';
	shown[k] = 0;
	return say(OK, "%zd bytes from %s: %s", n, argv[0], shown);
}

static int cmd_write(int argc, char **argv)
{
	if (argc != 1 && argc != 2)
		return say(USAGE, "write FILE [TEXT]");
	const char *text = argc == 2 ? argv[1] : "written by pkgguard probe";
	int fd = open(argv[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return refused_errno(errno, "open");
	if (write_all(fd, text, strlen(text)) < 0 || write_all(fd, "\n", 1) < 0)
		return refused_errno(errno, "write");
	if (close(fd) < 0)
		return refused_errno(errno, "close");
	return say(OK, "wrote %s", argv[0]);
}

static int fill_fd(int fd, long mb, long *done)
{
	static char block[1 << 20];
	memset(block, 'P', sizeof block);
	for (*done = 0; *done < mb; (*done)++)
		if (write_all(fd, block, sizeof block) < 0)
			return -1;
	return 0;
}

static int cmd_fill(int argc, char **argv)
{
	long mb, done;
	if (argc != 2 || parse_long(argv[1], &mb) || mb < 0)
		return say(USAGE, "fill FILE MB");
	signal(SIGXFSZ, SIG_IGN);
	int fd = open(argv[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return refused_errno(errno, "open");
	if (fill_fd(fd, mb, &done) < 0) {
		int e = errno;
		char what[64];
		snprintf(what, sizeof what, "write after %ld MiB", done);
		return refused_errno(e, what);
	}
	if (fsync(fd) < 0 || close(fd) < 0)
		return refused_errno(errno, "fsync/close");
	return say(OK, "wrote %ld MiB to %s", mb, argv[0]);
}

static int cmd_fillmany(int argc, char **argv)
{
	long mb, done, i;
	char path[4096];
	if ((argc != 2 && argc != 3) || parse_long(argv[1], &mb) || mb < 0)
		return say(USAGE, "fillmany DIR MB [TAG]");
	signal(SIGXFSZ, SIG_IGN);
	for (i = 0; i < mb; i++) {
		snprintf(path, sizeof path, "%s/pkgguard-fill%s%s.%ld", argv[0],
			 argc == 3 ? "-" : "", argc == 3 ? argv[2] : "", i);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			return refused_errno(errno, "open");
		if (fill_fd(fd, 1, &done) < 0 || close(fd) < 0) {
			int e = errno;
			char what[64];
			snprintf(what, sizeof what, "write after %ld MiB", i);
			return refused_errno(e, what);
		}
	}
	return say(OK, "wrote %ld files of 1 MiB into %s", mb, argv[0]);
}

/* -------------------------------------------------------------- processes */

static int cmd_kill(int argc, char **argv)
{
	long pid, sig = SIGTERM;
	if ((argc != 1 && argc != 2) || parse_long(argv[0], &pid) || pid <= 0 ||
	    (argc == 2 && parse_long(argv[1], &sig)))
		return say(USAGE, "kill PID [SIG]");
	if (kill((pid_t)pid, (int)sig) < 0)
		return refused_errno(errno, "kill");
	return say(OK, "signal %ld delivered to %ld", sig, pid);
}

/* 0 when /proc/PID/cmdline contains marker (NUL separators read as spaces). */
static int is_target(long pid, const char *marker)
{
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	for (ssize_t i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	buf[n] = 0;
	return strstr(buf, marker) ? 0 : -1;
}

static int cmd_ptrace(int argc, char **argv)
{
	long pid;
	if ((argc != 1 && argc != 2) || parse_long(argv[0], &pid) || pid <= 0)
		return say(USAGE, "ptrace PID [MARKER]");
	if (argc == 2 && is_target(pid, argv[1]))
		return say(REFUSED, "ESRCH (pid %ld is not the target: no process with \"%s\")", pid, argv[1]);
	if (ptrace(PTRACE_SEIZE, (pid_t)pid, NULL, NULL) < 0)
		return refused_errno(errno, "PTRACE_SEIZE");
	/* Detach happens when we exit. */
	return say(OK, "seized pid %ld", pid);
}

static int cmd_procmem(int argc, char **argv)
{
	long pid;
	char path[64], line[512];
	unsigned long start = 0, end;
	char perms[8];
	int found = 0;
	if ((argc != 1 && argc != 2) || parse_long(argv[0], &pid) || pid <= 0)
		return say(USAGE, "procmem PID [MARKER]");
	if (argc == 2 && is_target(pid, argv[1]))
		return say(REFUSED, "ESRCH (pid %ld is not the target: no process with \"%s\")", pid, argv[1]);
	snprintf(path, sizeof path, "/proc/%ld/maps", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return refused_errno(errno, "open maps");
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) == 3 && perms[0] == 'r') {
			found = 1;
			break;
		}
	fclose(f);
	if (!found)
		return say(REFUSED, "EACCES (no readable mapping listed in %s)", path);
	snprintf(path, sizeof path, "/proc/%ld/mem", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return refused_errno(errno, "open mem");
	unsigned char buf[16];
	ssize_t n = pread(fd, buf, sizeof buf, (off_t)start);
	if (n <= 0)
		return refused_errno(n < 0 ? errno : EIO, "pread mem");
	close(fd);
	return say(OK, "read %zd bytes of pid %ld at %#lx (%02x %02x %02x %02x)", n, pid, start,
		   buf[0], buf[1], buf[2], buf[3]);
}

static int cmd_daemon(int argc, char **argv)
{
	long secs = 10;
	int pfd[2];
	if ((argc != 1 && argc != 2) || (argc == 2 && (parse_long(argv[1], &secs) || secs < 0)))
		return say(USAGE, "daemon FILE [SECONDS]");
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return refused_errno(errno, "pipe");
	pid_t child = fork();
	if (child < 0)
		return refused_errno(errno, "fork");
	if (child == 0) {
		close(pfd[0]);
		setsid();
		pid_t gc = fork();
		if (gc < 0)
			_exit(1);
		if (gc > 0)
			_exit(0);
		/* grandchild: re-parented away from us, no terminal, no SIGHUP */
		signal(SIGHUP, SIG_IGN);
		pid_t me = getpid();
		(void)!write(pfd[1], &me, sizeof me);
		close(pfd[1]);
		int nul = open("/dev/null", O_RDWR);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
			dup2(nul, 2);
		}
		double stop = now_s() + (double)secs;
		for (long i = 0; now_s() < stop; i++) {
			append_line(argv[0], "tick %ld pid %d", i, (int)me);
			sleep_ms(100);
		}
		_exit(0);
	}
	close(pfd[1]);
	pid_t gc = 0;
	ssize_t n = read(pfd[0], &gc, sizeof gc);
	waitpid(child, NULL, 0);
	if (n != sizeof gc)
		return say(REFUSED, "EIO (the daemon did not start)");
	return say(OK, "daemon pid %d appends to %s", (int)gc, argv[0]);
}

/* Every bomb process: fork forever; each new process appends 2 bytes. */
static void bomb(int fd, long max)
{
	struct stat st;
	for (;;) {
		if (fstat(fd, &st) == 0 && st.st_size / 2 >= max) {
			for (;;)
				pause();
		}
		pid_t p = fork();
		if (p == 0)
			(void)!write(fd, "x\n", 2);
		else if (p < 0)
			sleep_ms(20); /* EAGAIN: keep trying, like a real bomb */
		else
			sleep_ms(1); /* lets the MAX check keep up (bounded overshoot) */
	}
}

static int cmd_forkbomb(int argc, char **argv)
{
	long max, secs;
	struct stat st;
	if (argc != 3 || parse_long(argv[0], &max) || parse_long(argv[1], &secs) || max < 1 || secs < 0)
		return say(USAGE, "forkbomb MAX SECONDS FILE");
	int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return refused_errno(errno, "open");
	/* Orphans of the bomb come back to us so they can be reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	pid_t leader = fork();
	if (leader < 0)
		return refused_errno(errno, "fork");
	if (leader == 0) {
		setpgid(0, 0);
		(void)!write(fd, "x\n", 2);
		bomb(fd, max);
	}
	setpgid(leader, leader);
	double stop = now_s() + (double)secs;
	long count = 0;
	while (now_s() < stop) {
		if (fstat(fd, &st) == 0)
			count = (long)(st.st_size / 2);
		if (count >= max)
			break;
		sleep_ms(10);
	}
	if (fstat(fd, &st) == 0)
		count = (long)(st.st_size / 2);
	kill(-leader, SIGKILL);
	/* Reap the whole bomb (re-parented to us as subreaper). */
	for (;;) {
		pid_t w = waitpid(-1, NULL, 0);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		kill(-leader, SIGKILL); /* a late fork may have escaped the first kill */
	}
	if (count >= max)
		return say(OK, "fork bomb reached %ld processes (max %ld), all killed", count, max);
	return say(REFUSED, "EAGAIN (fork bomb reached only %ld of %ld processes in %ld s)",
		   count, max, secs);
}

static int cmd_memhog(int argc, char **argv)
{
	long mb, done = 0;
	if (argc != 1 || parse_long(argv[0], &mb) || mb < 0)
		return say(USAGE, "memhog MB");
	while (done < mb) {
		long step = mb - done < 16 ? mb - done : 16;
		char *p = malloc((size_t)step << 20);
		if (!p)
			return say(REFUSED, "ENOMEM (allocation failed after %ld MiB)", done);
		memset(p, 0x5a, (size_t)step << 20);
		done += step;
	}
	return say(OK, "allocated and touched %ld MiB", mb);
}

static int cmd_euid(int argc, char **argv)
{
	(void)argv;
	if (argc != 0)
		return say(USAGE, "euid");
	return say(OK, "euid %d", (int)geteuid());
}

static int cmd_setuid(int argc, char **argv)
{
	int pfd[2];
	char buf[256];
	if (argc != 1)
		return say(USAGE, "setuid FILE");
	if (geteuid() == 0)
		return say(USAGE, "caller is already root, nothing to gain");
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return refused_errno(errno, "pipe");
	pid_t c = fork();
	if (c < 0)
		return refused_errno(errno, "fork");
	if (c == 0) {
		dup2(pfd[1], 1);
		execl(argv[0], argv[0], "euid", (char *)NULL);
		printf("probe euid: refused: %s (exec)\n", errname(errno));
		fflush(stdout);
		_exit(127);
	}
	close(pfd[1]);
	ssize_t n = read(pfd[0], buf, sizeof buf - 1);
	int status;
	waitpid(c, &status, 0);
	buf[n > 0 ? n : 0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	const char *e = strstr(buf, "euid ");
	if (!strstr(buf, ": ok: ") || !e)
		return say(REFUSED, "EPERM (the setuid program did not report: %s)", buf);
	long euid = strtol(e + 5, NULL, 10);
	if (euid == 0)
		return say(OK, "%s ran with euid 0 (caller euid %d)", argv[0], (int)geteuid());
	return say(REFUSED, "EPERM (%s ran with euid %ld, not 0)", argv[0], euid);
}

/* ptyrun CMD...: the witness of TIOCSTI. CMD gets a fresh pty as stdin (in
 * raw mode, not our controlling terminal); whatever is queued as input on
 * that pty once CMD has finished was injected. */
static int cmd_ptyrun(int argc, char **argv)
{
	if (argc < 1)
		return say(USAGE, "ptyrun CMD [ARGS...]");
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
		return refused_errno(errno, "posix_openpt");
	const char *sname = ptsname(m);
	if (!sname)
		return refused_errno(errno, "ptsname");
	int s = open(sname, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		return refused_errno(errno, "open pty");
	struct termios t;
	if (tcgetattr(s, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(s, TCSANOW, &t);
	}
	pid_t c = fork();
	if (c < 0)
		return refused_errno(errno, "fork");
	if (c == 0) {
		dup2(s, 0);
		execvp(argv[0], argv);
		_exit(127);
	}
	int status = 0;
	waitpid(c, &status, 0);
	fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
	char buf[256];
	ssize_t n = read(s, buf, sizeof buf);
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (n > 0)
		return say(OK, "%zd bytes injected into the terminal input (command status %d)", n, code);
	return say(REFUSED, "EPERM (nothing injected into the terminal input; command status %d)", code);
}

/* ---------------------------------------------------------------- syscall */

enum crit { SUCCEEDS, REACHED };

/* Result of one attempt: ret >= 0, or -errno; sig > 0 when a child doing the
 * call died of that signal. */
struct res {
	long ret;
	int sig;
	char note[96];
};

/* Runs fn in a forked child (for calls that change the caller) and returns
 * its result; the child reports ret through its exit status. */
static struct res in_child(long (*fn)(void))
{
	struct res r = { 0, 0, "" };
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		r.ret = -errno;
		return r;
	}
	pid_t c = fork();
	if (c < 0) {
		r.ret = -errno;
		return r;
	}
	if (c == 0) {
		long v = fn();
		(void)!write(pfd[1], &v, sizeof v);
		_exit(0);
	}
	close(pfd[1]);
	long v = 0;
	ssize_t n = read(pfd[0], &v, sizeof v);
	close(pfd[0]);
	int status;
	while (waitpid(c, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status)) {
		r.sig = WTERMSIG(status);
		r.ret = -EINTR;
	} else if (n != sizeof v) {
		r.ret = -EIO;
	} else {
		r.ret = v;
	}
	return r;
}

/* ret or -errno; x is evaluated once, before errno is read. */
static long ret_errno(long x)
{
	return x < 0 ? -(long)errno : x;
}
#define RET(x) ret_errno((long)(x))

static long do_unshare_user(void) { return RET(unshare(CLONE_NEWUSER)); }
static long do_unshare_mount(void) { return RET(unshare(CLONE_NEWNS)); }
static long do_unshare_net(void) { return RET(unshare(CLONE_NEWNET)); }
static long do_setns(void)
{
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -(long)errno;
	return RET(setns(fd, CLONE_NEWNET));
}

static long raw_clone(unsigned long flags)
{
	long pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return -(long)errno;
	waitpid((pid_t)pid, NULL, 0);
	return pid;
}
static long do_clone_newuser(void) { return raw_clone(CLONE_NEWUSER); }
static long do_clone_newns(void) { return raw_clone(CLONE_NEWNS); }

static long do_clone3(void)
{
	struct clone_args ca;
	memset(&ca, 0, sizeof ca);
	ca.exit_signal = SIGCHLD;
	long pid = syscall(SYS_clone3, &ca, sizeof ca);
	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return -(long)errno;
	waitpid((pid_t)pid, NULL, 0);
	return pid;
}

#define NOPATH "/nonexistent/pkgguard-probe"
static long do_mount(void) { return RET(mount("none", NOPATH, "tmpfs", 0, NULL)); }
static long do_umount2(void) { return RET(umount2(NOPATH, 0)); }
static long do_pivot_root(void) { return RET(syscall(SYS_pivot_root, NOPATH, NOPATH)); }
static long do_chroot(void) { return RET(chroot(NOPATH)); }
static long do_traceme(void) { return RET(ptrace(PTRACE_TRACEME, 0, NULL, NULL)); }

static volatile long pvm_var = 42;
static long do_pvm(int write_it)
{
	long local = write_it ? 42 : 0;
	struct iovec l = { &local, sizeof local }, r = { (void *)&pvm_var, sizeof pvm_var };
	ssize_t n = write_it ? syscall(SYS_process_vm_writev, getpid(), &l, 1, &r, 1, 0)
			     : syscall(SYS_process_vm_readv, getpid(), &l, 1, &r, 1, 0);
	if (n < 0)
		return -(long)errno;
	if (!write_it && local != 42)
		return -EIO;
	return n;
}
static long do_pvm_read(void) { return do_pvm(0); }
static long do_pvm_write(void) { return do_pvm(1); }

static long do_bpf(void)
{
	union bpf_attr a;
	memset(&a, 0, sizeof a);
	a.map_type = 0; /* BPF_MAP_TYPE_UNSPEC: rejected by the map code */
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	long fd = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof a);
	if (fd >= 0)
		close((int)fd);
	return fd < 0 ? -(long)errno : fd;
}

static long do_perf(void)
{
	struct perf_event_attr a;
	memset(&a, 0, sizeof a);
	a.size = sizeof a;
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_DUMMY;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	a.disabled = 1;
	long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (fd >= 0)
		close((int)fd);
	return fd < 0 ? -(long)errno : fd;
}

static long do_uffd(void)
{
	long fd = syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
	if (fd >= 0)
		close((int)fd);
	return fd < 0 ? -(long)errno : fd;
}

static long do_uring_setup(void)
{
	struct io_uring_params p;
	memset(&p, 0, sizeof p);
	long fd = syscall(SYS_io_uring_setup, 1, &p);
	if (fd >= 0)
		close((int)fd);
	return fd < 0 ? -(long)errno : fd;
}
static long do_uring_enter(void) { return RET(syscall(SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0)); }
static long do_uring_register(void) { return RET(syscall(SYS_io_uring_register, -1, 0, NULL, 0)); }

static long do_keyctl(void) { return RET(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0)); }
static long do_add_key(void)
{
	return RET(syscall(SYS_add_key, "user", "pkgguard-probe", "x", 1, KEY_SPEC_PROCESS_KEYRING));
}
static long do_request_key(void)
{
	return RET(syscall(SYS_request_key, "user", "pkgguard-probe-absent", NULL, 0));
}

#ifdef SYS_kexec_load
static long do_kexec(void) { return RET(syscall(SYS_kexec_load, 0, 0, NULL, 0x100UL)); }
#else
static long do_kexec(void) { return -ENOSYS; }
#endif
static long do_init_module(void) { return RET(syscall(SYS_init_module, "junk", 4UL, "")); }
static long do_finit_module(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	long r = RET(syscall(SYS_finit_module, fd, "", 0));
	close(fd);
	return r;
}
static long do_delete_module(void) { return RET(syscall(SYS_delete_module, "pkgguard_probe_absent", O_NONBLOCK)); }

static long do_open_by_handle(void)
{
	struct file_handle *fh = malloc(sizeof *fh + MAX_HANDLE_SZ);
	int mount_id;
	if (!fh)
		return -ENOMEM;
	fh->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, "/", fh, &mount_id, 0) < 0)
		return -EOPNOTSUPP; /* reported as "cannot test" below */
	int mfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long fd = open_by_handle_at(mfd, fh, O_RDONLY | O_CLOEXEC);
	long r = fd < 0 ? -(long)errno : fd;
	if (fd >= 0)
		close((int)fd);
	close(mfd);
	return r;
}

static long do_personality(void)
{
	if (personality(ADDR_NO_RANDOMIZE) < 0)
		return -(long)errno;
	int now = personality(0xffffffff);
	if (now < 0)
		return -(long)errno;
	return (now & ADDR_NO_RANDOMIZE) ? 0 : -EPERM;
}

/* TIOCSTI needs the tty to be our controlling terminal (or CAP_SYS_ADMIN):
 * a new session takes fd 0 as its terminal first. */
static long tiocsti(unsigned long req)
{
	if (!isatty(0))
		return -ENOTTY;
	setsid();
	ioctl(0, TIOCSCTTY, 0);
	char c = '#';
	return RET(syscall(SYS_ioctl, 0, req, &c));
}
static long do_tiocsti(void) { return tiocsti((1UL << 32) | TIOCSTI); }
static long do_tiocsti_plain(void) { return tiocsti(TIOCSTI); }
static long do_tioclinux(void)
{
	char sub7 = 7; /* TIOCL_GETMOUSEREPORTING: only reads */
	return RET(syscall(SYS_ioctl, 0, (1UL << 32) | TIOCLINUX, &sub7));
}

static long sock(int family, int type, int proto)
{
	int fd = socket(family, type | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return -(long)errno;
	close(fd);
	return fd;
}
static long do_sock_vsock(void) { return sock(AF_VSOCK, SOCK_STREAM, 0); }
static long do_sock_packet(void) { return sock(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)); }
static long do_sock_audit(void) { return sock(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT); }
static long do_sock_inet(void) { return sock(AF_INET, SOCK_STREAM, 0); }
static long do_sock_unix(void) { return sock(AF_UNIX, SOCK_STREAM, 0); }
static long do_sock_route(void) { return sock(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE); }

/* 32-bit getpid (i386 number 20) through the int $0x80 gate. */
static long do_int80(void)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory", "r8", "r9", "r10", "r11");
	int r32 = (int)ret; /* the 32-bit ABI returns in eax */
	if (r32 < 0)
		return r32; /* -errno */
	return r32 == getpid() ? r32 : -EIO;
}

static long do_x32(void)
{
	long ret = syscall(__X32_SYSCALL_BIT | 39); /* x32 getpid */
	if (ret < 0)
		return -(long)errno;
	return ret == getpid() ? ret : -EIO;
}

struct sc {
	const char *name;
	long (*fn)(void);
	enum crit crit;
	int child; /* run in a throw-away child */
};

static const struct sc syscalls[] = {
	{ "unshare-user", do_unshare_user, SUCCEEDS, 1 },
	{ "unshare-mount", do_unshare_mount, SUCCEEDS, 1 },
	{ "unshare-net", do_unshare_net, SUCCEEDS, 1 },
	{ "setns", do_setns, SUCCEEDS, 1 },
	{ "clone-newuser", do_clone_newuser, SUCCEEDS, 1 },
	{ "clone-newns", do_clone_newns, SUCCEEDS, 1 },
	{ "clone3", do_clone3, SUCCEEDS, 1 },
	{ "mount", do_mount, REACHED, 1 },
	{ "umount2", do_umount2, REACHED, 1 },
	{ "pivot_root", do_pivot_root, REACHED, 1 },
	{ "chroot", do_chroot, REACHED, 1 },
	{ "ptrace-traceme", do_traceme, SUCCEEDS, 1 },
	{ "process_vm_readv", do_pvm_read, SUCCEEDS, 0 },
	{ "process_vm_writev", do_pvm_write, SUCCEEDS, 0 },
	{ "bpf", do_bpf, REACHED, 1 },
	{ "perf_event_open", do_perf, SUCCEEDS, 1 },
	{ "userfaultfd", do_uffd, SUCCEEDS, 1 },
	{ "io_uring_setup", do_uring_setup, SUCCEEDS, 1 },
	{ "io_uring_enter", do_uring_enter, REACHED, 1 },
	{ "io_uring_register", do_uring_register, REACHED, 1 },
	{ "keyctl", do_keyctl, SUCCEEDS, 1 },
	{ "add_key", do_add_key, SUCCEEDS, 1 },
	{ "request_key", do_request_key, REACHED, 1 },
	{ "kexec_load", do_kexec, REACHED, 1 },
	{ "init_module", do_init_module, REACHED, 1 },
	{ "finit_module", do_finit_module, REACHED, 1 },
	{ "delete_module", do_delete_module, REACHED, 1 },
	{ "open_by_handle_at", do_open_by_handle, SUCCEEDS, 1 },
	{ "personality", do_personality, SUCCEEDS, 1 },
	{ "ioctl-tiocsti", do_tiocsti, SUCCEEDS, 1 },
	{ "ioctl-tiocsti-plain", do_tiocsti_plain, SUCCEEDS, 1 },
	{ "ioctl-tioclinux", do_tioclinux, REACHED, 1 },
	{ "socket-vsock", do_sock_vsock, SUCCEEDS, 0 },
	{ "socket-packet", do_sock_packet, SUCCEEDS, 0 },
	{ "socket-netlink-audit", do_sock_audit, SUCCEEDS, 0 },
	{ "socket-inet", do_sock_inet, SUCCEEDS, 0 },
	{ "socket-unix", do_sock_unix, SUCCEEDS, 0 },
	{ "socket-netlink-route", do_sock_route, SUCCEEDS, 0 },
	{ "int80", do_int80, SUCCEEDS, 1 },
	{ "x32", do_x32, SUCCEEDS, 1 },
};

static int cmd_syscall(int argc, char **argv)
{
	const struct sc *s = NULL;
	if (argc == 1 && !strcmp(argv[0], "list")) {
		for (size_t i = 0; i < sizeof syscalls / sizeof syscalls[0]; i++)
			printf("%s\n", syscalls[i].name);
		return OK;
	}
	for (size_t i = 0; argc == 1 && i < sizeof syscalls / sizeof syscalls[0]; i++)
		if (!strcmp(argv[0], syscalls[i].name))
			s = &syscalls[i];
	if (!s)
		return say(USAGE, "syscall NAME (probe syscall list)");
	static char subname[64];
	snprintf(subname, sizeof subname, "syscall %s", s->name);
	sub = subname;

	struct res r = { 0, 0, "" };
	if (s->child)
		r = in_child(s->fn);
	else
		r.ret = s->fn();

	if (r.sig == SIGSYS)
		return say(REFUSED, "SIGSYS (killed by the seccomp filter)");
	if (r.sig == SIGSEGV && !strcmp(s->name, "int80"))
		return say(REFUSED, "unsupported: SIGSEGV (this kernel has no 32-bit int 0x80 entry)");
	if (r.sig)
		return say(REFUSED, "killed by signal %d", r.sig);
	if (r.ret == -EOPNOTSUPP && s->fn == do_open_by_handle)
		return say(REFUSED, "unsupported: EOPNOTSUPP (name_to_handle_at on / failed, cannot test)");
	if (r.ret >= 0)
		return say(OK, "returned %ld", r.ret);
	int e = (int)-r.ret;
	if (s->crit == REACHED && e != EPERM && e != ENOSYS)
		return say(OK, "reached the kernel: %s (%s), not refused by seccomp", errname(e), strerror(e));
	return refused_errno(e, s->name);
}

/* ------------------------------------------------------------------- main */

static int usage(void)
{
	fprintf(stderr,
		"usage: probe tcp|udp HOST PORT | dns NAME | unix PATH | abstract NAME |\n"
		"       listen tcp|udp HOST PORT LOG | listen unix|abstract NAME LOG |\n"
		"       read FILE | write FILE [TEXT] | fill FILE MB | fillmany DIR MB [TAG] |\n"
		"       kill PID [SIG] | ptrace PID [MARKER] | procmem PID [MARKER] |\n"
		"       daemon FILE [SECONDS] | forkbomb MAX SECONDS FILE | memhog MB |\n"
		"       setuid FILE | euid | ptyrun CMD... | syscall NAME|list\n");
	return USAGE;
}

int main(int argc, char **argv)
{
	/* The listeners close a connection as soon as they have counted it: a
	 * client's greeting may then meet a closed socket, which is no failure
	 * of the connect being probed. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2)
		return usage();
	sub = argv[1];
	const char *c = argv[1];
	int n = argc - 2;
	char **a = argv + 2;
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (!strcmp(c, "tcp"))
		return cmd_tcp(n, a);
	if (!strcmp(c, "udp"))
		return cmd_udp(n, a);
	if (!strcmp(c, "dns"))
		return cmd_dns(n, a);
	if (!strcmp(c, "unix"))
		return cmd_unix(n, a, 0);
	if (!strcmp(c, "abstract"))
		return cmd_unix(n, a, 1);
	if (!strcmp(c, "listen"))
		return cmd_listen(n, a);
	if (!strcmp(c, "read"))
		return cmd_read(n, a);
	if (!strcmp(c, "write"))
		return cmd_write(n, a);
	if (!strcmp(c, "fill"))
		return cmd_fill(n, a);
	if (!strcmp(c, "fillmany"))
		return cmd_fillmany(n, a);
	if (!strcmp(c, "kill"))
		return cmd_kill(n, a);
	if (!strcmp(c, "ptrace"))
		return cmd_ptrace(n, a);
	if (!strcmp(c, "procmem"))
		return cmd_procmem(n, a);
	if (!strcmp(c, "daemon"))
		return cmd_daemon(n, a);
	if (!strcmp(c, "forkbomb"))
		return cmd_forkbomb(n, a);
	if (!strcmp(c, "memhog"))
		return cmd_memhog(n, a);
	if (!strcmp(c, "setuid"))
		return cmd_setuid(n, a);
	if (!strcmp(c, "euid"))
		return cmd_euid(n, a);
	if (!strcmp(c, "ptyrun"))
		return cmd_ptyrun(n, a);
	if (!strcmp(c, "syscall"))
		return cmd_syscall(n, a);
	return usage();
}
