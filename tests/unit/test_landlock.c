/* test_landlock.c — the Landlock layer (sandbox/landlock_rules.c).
 * The hidden-path expansion is tested as a plain function. Every enforcement
 * test forks: the child first does the action unconfined (the CONTROL: as
 * root, DAC allows it, so a later refusal can only come from Landlock), then
 * sets no_new_privs, applies a hand-built policy and repeats the action. The
 * child reports through its exit status (0 = as expected) and says on stderr
 * which step went wrong. Test directories live directly under "/" (or, for
 * a caller who cannot write there, under the current directory), because
 * CONFINE_NAMESPACES grants the whole of /tmp, /var/tmp and /dev/shm. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>

#include "landlock_rules.h"
#include "array_size.h"
#include "layers.h"
#include "policy.h"
#include "unit_helpers.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset __NR_landlock_create_ruleset
#endif


/* ---- helpers ---------------------------------------------------------------- */

struct dirs {
	char top[PATH_MAX]; /* resolved, so expansion results compare as strings */
};

static int make_top(void **state)
{
	struct dirs *d = calloc(1, sizeof(*d));
	char tmpl[] = "/pkgguard-landlock-XXXXXX";
	char local[] = "pkgguard-landlock-XXXXXX";

	const char *dir = mkdtemp(tmpl);

	if (!dir)
		dir = mkdtemp(local);
	if (!d || !dir || !realpath(dir, d->top)) {
		free(d);
		return -1;
	}
	*state = d;
	return 0;
}

static int remove_top(void **state)
{
	struct dirs *d = *state;

	ut_rm_tree(d->top);
	free(d);
	return 0;
}

/* top/rel, written into buf (PATH_MAX). */
static char *at(const struct dirs *d, const char *rel, char *buf)
{
	if (snprintf(buf, PATH_MAX, "%s/%s", d->top, rel) >= PATH_MAX)
		abort(); /* cannot happen: top is a short name */
	return buf;
}

static void mkdir_at(const struct dirs *d, const char *rel)
{
	char p[PATH_MAX];
	assert_int_equal(mkdir(at(d, rel, p), 0755), 0);
}

static void file_at(const struct dirs *d, const char *rel)
{
	char p[PATH_MAX];
	int fd = open(at(d, rel, p), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x\n", 2), 2);
	close(fd);
}

static int landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	return abi < 0 ? 0 : (int)abi;
}

static void need_abi(int min)
{
	int abi = landlock_abi();

	if (abi < min) {
		print_message("# kernel Landlock ABI %d, this test needs %d\n", abi, min);
		skip();
	}
}

static void clear(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Runs body(arg) in a child; asserts it exited with 0. */
static void in_child(int (*body)(void *), void *arg)
{
	int status;
	pid_t pid;

	pid = ut_fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(body(arg));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("child killed by signal %d", WTERMSIG(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Inside the child: reports a failed step and gives its exit code. */
#define CHILD_CHECK(cond, code, ...)                                              \
	do {                                                                      \
		if (!(cond)) {                                                    \
			fprintf(stderr, "child step %d: ", code);                 \
			fprintf(stderr, __VA_ARGS__);                             \
			fputc('\n', stderr);                                      \
			return code;                                              \
		}                                                                 \
	} while (0)

static int confine(const struct policy *p, enum confinement mode, const char *tmp)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return landlock_apply(p, mode, tmp);
}

static bool refused(int rc)
{
	return rc == -EACCES || rc == -EPERM;
}

static int try_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, "y\n", 2) != 2)
		rc = -EIO;
	close(fd);
	return rc;
}

static int try_read(const char *path)
{
	char buf[16];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (read(fd, buf, sizeof(buf)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static int try_list(const char *path)
{
	DIR *dir = opendir(path);

	if (!dir)
		return -errno;
	closedir(dir);
	return 0;
}

#define ONE(p) ((struct strlist){ .v = (p), .n = 1 })

/* ---- expansion (no Landlock needed) ---------------------------------------- */

static void test_expand_nothing_hidden(void **state)
{
	const struct dirs *d = *state;
	struct strlist leaves = { 0 }, listable = { 0 };
	char t[PATH_MAX], h[PATH_MAX];
	const char *hidden[] = { at(d, "elsewhere", h) };

	mkdir_at(d, "tree");
	file_at(d, "elsewhere");
	/* A trailing slash and a dot are resolved away. */
	assert_true(snprintf(t, sizeof(t), "%s/./tree/", d->top) < (int)sizeof(t));
	assert_int_equal(landlock_hidden_expand(t, hidden, 1, &leaves, &listable), 0);
	assert_int_equal(leaves.n, 1);
	assert_string_equal(leaves.v[0], at(d, "tree", t));
	assert_int_equal(listable.n, 0);
	clear(&leaves);
}

static void test_expand_hidden_files(void **state)
{
	const struct dirs *d = *state;
	struct strlist leaves = { 0 }, listable = { 0 };
	char t[PATH_MAX], h1[PATH_MAX], h2[PATH_MAX], p[PATH_MAX], q[PATH_MAX];
	const char *hidden[] = { at(d, "tree/.npmrc", h1), at(d, "tree/sub/deep/.secret", h2) };

	mkdir_at(d, "tree");
	mkdir_at(d, "tree/sub");
	mkdir_at(d, "tree/sub/deep");
	mkdir_at(d, "tree/other");
	file_at(d, "tree/.npmrc");
	file_at(d, "tree/a");
	file_at(d, "tree/sub/b");
	file_at(d, "tree/sub/deep/.secret");
	file_at(d, "tree/sub/deep/c");
	/* A link to the hidden file must not become a rule on it. */
	assert_int_equal(symlink(h1, at(d, "tree/link", p)), 0);

	assert_int_equal(landlock_hidden_expand(at(d, "tree", t), hidden, 2, &leaves, &listable), 0);
	assert_int_equal(leaves.n, 4);
	assert_true(strlist_has(&leaves, at(d, "tree/a", p)));
	assert_true(strlist_has(&leaves, at(d, "tree/other", p)));
	assert_true(strlist_has(&leaves, at(d, "tree/sub/b", p)));
	assert_true(strlist_has(&leaves, at(d, "tree/sub/deep/c", p)));
	/* Only files are hidden: every directory on the way stays listable. */
	assert_int_equal(listable.n, 3);
	assert_true(strlist_has(&listable, t));
	assert_true(strlist_has(&listable, at(d, "tree/sub", p)));
	assert_true(strlist_has(&listable, at(d, "tree/sub/deep", q)));
	clear(&leaves);
	clear(&listable);
}

static void test_expand_hidden_dir(void **state)
{
	const struct dirs *d = *state;
	struct strlist leaves = { 0 }, listable = { 0 };
	char t[PATH_MAX], h[PATH_MAX], p[PATH_MAX];
	const char *hidden[] = { at(d, "home/.ssh", h) };

	mkdir_at(d, "home");
	mkdir_at(d, "home/.ssh");
	file_at(d, "home/.ssh/id_ed25519");
	file_at(d, "home/notes");

	assert_int_equal(landlock_hidden_expand(at(d, "home", t), hidden, 1, &leaves, &listable), 0);
	assert_int_equal(leaves.n, 1);
	assert_string_equal(leaves.v[0], at(d, "home/notes", p));
	/* READ_DIR on home would be inherited by .ssh and list it. */
	assert_int_equal(listable.n, 0);
	clear(&leaves);
}

static void test_expand_tree_inside_hidden(void **state)
{
	const struct dirs *d = *state;
	struct strlist leaves = { 0 }, listable = { 0 };
	char t[PATH_MAX], h[PATH_MAX];
	const char *hidden[] = { at(d, "secrets", h) };

	mkdir_at(d, "secrets");
	mkdir_at(d, "secrets/sub");
	assert_int_equal(landlock_hidden_expand(at(d, "secrets/sub", t), hidden, 1, &leaves, &listable), 0);
	assert_int_equal(leaves.n + listable.n, 0);
	assert_int_equal(landlock_hidden_expand(at(d, "secrets", t), hidden, 1, &leaves, &listable), 0);
	assert_int_equal(leaves.n + listable.n, 0);
}

static void test_expand_missing(void **state)
{
	const struct dirs *d = *state;
	struct strlist leaves = { 0 }, listable = { 0 };
	char t[PATH_MAX], h[PATH_MAX];
	const char *hidden[] = { at(d, "tree/not-there", h) };

	assert_int_equal(landlock_hidden_expand(at(d, "no-tree", t), hidden, 0, &leaves, &listable), -ENOENT);
	/* A hidden path that does not exist hides nothing. */
	mkdir_at(d, "tree");
	assert_int_equal(landlock_hidden_expand(at(d, "tree", t), hidden, 1, &leaves, &listable), 0);
	assert_int_equal(leaves.n, 1);
	assert_int_equal(listable.n, 0);
	clear(&leaves);
}

/* ---- filesystem ------------------------------------------------------------ */

struct write_case {
	const struct dirs *d;
	enum confinement mode;
};

static int body_write(void *arg)
{
	const struct write_case *c = arg;
	char rw[PATH_MAX], tmp[PATH_MAX], in[PATH_MAX], out[PATH_MAX], tmpf[PATH_MAX];
	char *rwv[] = { at(c->d, "rw", rw) };
	struct policy p = { 0 };
	int rc, fd;

	at(c->d, "rw/file", in);
	at(c->d, "other/file", out);
	at(c->d, "tmp/file", tmpf);
	at(c->d, "tmp", tmp);
	CHILD_CHECK(try_write(in) == 0, 1, "control: write %s", in);
	CHILD_CHECK(try_write(out) == 0, 2, "control: write %s", out);

	p.read_write = ONE(rwv);
	rc = confine(&p, c->mode, c->mode == CONFINE_FALLBACK ? tmp : NULL);
	CHILD_CHECK(rc == 0, 3, "landlock_apply: %s", strerror(-rc));

	CHILD_CHECK(try_write(in) == 0, 4, "write inside read_write refused");
	rc = try_write(out);
	CHILD_CHECK(refused(rc), 5, "write to another directory: %s", strerror(-rc));
	rc = try_read(out);
	CHILD_CHECK(refused(rc), 6, "read of another directory: %s", strerror(-rc));
	if (c->mode == CONFINE_FALLBACK)
		CHILD_CHECK(try_write(tmpf) == 0, 7, "write in the fallback temp dir refused");
	/* `> /dev/null` opens with O_TRUNC; isatty() must see ENOTTY, not EACCES. */
	fd = open("/dev/null", O_WRONLY | O_TRUNC | O_CLOEXEC);
	CHILD_CHECK(fd >= 0, 8, "open /dev/null O_TRUNC: %s", strerror(errno));
	CHILD_CHECK(!isatty(fd) && errno == ENOTTY, 9, "isatty(/dev/null): %s", strerror(errno));
	close(fd);
	return 0;
}

static void write_case(void **state, enum confinement mode)
{
	struct write_case c = { *state, mode };

	need_abi(1);
	mkdir_at(c.d, "rw");
	mkdir_at(c.d, "other");
	mkdir_at(c.d, "tmp");
	in_child(body_write, &c);
}

static void test_write_fallback(void **state) { write_case(state, CONFINE_FALLBACK); }
static void test_write_namespaces(void **state) { write_case(state, CONFINE_NAMESPACES); }

static int body_hidden(void *arg)
{
	const struct dirs *d = arg;
	char ro[PATH_MAX], tmp[PATH_MAX], h1[PATH_MAX], h2[PATH_MAX], pub[PATH_MAX], ok[PATH_MAX];
	char link[PATH_MAX];
	char *rov[] = { at(d, "proj", ro) };
	char *hv[] = { at(d, "proj/.npmrc", h1), at(d, "proj/sub/.env", h2) };
	struct policy p = { 0 };
	int rc;

	at(d, "proj/package.json", pub);
	at(d, "proj/sub/index.js", ok);
	at(d, "proj/link", link);
	CHILD_CHECK(try_read(h1) == 0 && try_read(h2) == 0 && try_read(link) == 0, 1,
		    "control: read hidden files");

	p.read_only = ONE(rov);
	p.hidden = (struct strlist){ hv, 2 };
	rc = confine(&p, CONFINE_FALLBACK, at(d, "tmp", tmp));
	CHILD_CHECK(rc == 0, 2, "landlock_apply: %s", strerror(-rc));

	rc = try_read(h1);
	CHILD_CHECK(refused(rc), 3, "read %s: %s", h1, strerror(-rc));
	rc = try_read(h2);
	CHILD_CHECK(refused(rc), 4, "read %s: %s", h2, strerror(-rc));
	rc = try_read(link);
	CHILD_CHECK(refused(rc), 9, "read %s through a link: %s", h1, strerror(-rc));
	CHILD_CHECK(try_read(pub) == 0, 5, "read sibling %s refused", pub);
	CHILD_CHECK(try_read(ok) == 0, 6, "read %s refused", ok);
	CHILD_CHECK(try_list(ro) == 0, 7, "list %s refused", ro);
	rc = try_write(pub);
	CHILD_CHECK(refused(rc), 8, "write read-only %s: %s", pub, strerror(-rc));
	return 0;
}

static void test_hidden_fallback(void **state)
{
	const struct dirs *d = *state;
	char p[PATH_MAX];

	need_abi(1);
	mkdir_at(d, "tmp");
	mkdir_at(d, "proj");
	mkdir_at(d, "proj/sub");
	file_at(d, "proj/.npmrc");
	file_at(d, "proj/package.json");
	file_at(d, "proj/sub/.env");
	file_at(d, "proj/sub/index.js");
	assert_int_equal(symlink(".npmrc", at(d, "proj/link", p)), 0);
	in_child(body_hidden, (void *)d);
}

static int body_home(void *arg)
{
	const struct dirs *d = arg;
	char top[PATH_MAX], home[PATH_MAX], hro[PATH_MAX], proj[PATH_MAX], tmp[PATH_MAX];
	char key[PATH_MAX], conf[PATH_MAX], src[PATH_MAX], notes[PATH_MAX], side[PATH_MAX];
	/* top contains $HOME: allowing it must not allow $HOME. */
	char *rov[] = { strcpy(top, d->top), at(d, "home/proj", proj) };
	char *hrov[] = { at(d, "home/.config/tool", hro) };
	struct policy p = { 0 };
	int rc;

	at(d, "home/.ssh/id_ed25519", key);
	at(d, "home/.config/tool/conf", conf);
	at(d, "home/proj/index.js", src);
	at(d, "home/notes", notes);
	at(d, "side", side);
	CHILD_CHECK(try_read(key) == 0 && try_read(notes) == 0, 1, "control: read in $HOME");

	p.home = at(d, "home", home);
	p.read_only = (struct strlist){ rov, 2 };
	p.home_read_only = ONE(hrov);
	rc = confine(&p, CONFINE_FALLBACK, at(d, "tmp", tmp));
	CHILD_CHECK(rc == 0, 2, "landlock_apply: %s", strerror(-rc));

	rc = try_read(key);
	CHILD_CHECK(refused(rc), 3, "read %s: %s", key, strerror(-rc));
	rc = try_read(notes);
	CHILD_CHECK(refused(rc), 4, "read %s: %s", notes, strerror(-rc));
	rc = try_list(home);
	CHILD_CHECK(refused(rc), 5, "list %s: %s", home, strerror(-rc));
	CHILD_CHECK(try_read(conf) == 0, 6, "read home_read_only %s refused", conf);
	CHILD_CHECK(try_read(src) == 0, 7, "read project %s refused", src);
	CHILD_CHECK(try_read(side) == 0, 8, "read %s (allowed, beside $HOME) refused", side);
	rc = try_write(conf);
	CHILD_CHECK(refused(rc), 9, "write %s: %s", conf, strerror(-rc));
	return 0;
}

static void test_home_fallback(void **state)
{
	const struct dirs *d = *state;

	need_abi(1);
	mkdir_at(d, "tmp");
	mkdir_at(d, "home");
	mkdir_at(d, "home/.ssh");
	mkdir_at(d, "home/.config");
	mkdir_at(d, "home/.config/tool");
	mkdir_at(d, "home/proj");
	file_at(d, "home/.ssh/id_ed25519");
	file_at(d, "home/.config/tool/conf");
	file_at(d, "home/proj/index.js");
	file_at(d, "home/notes");
	file_at(d, "side");
	in_child(body_home, (void *)d);
}

struct missing_case {
	const struct dirs *d;
	enum confinement mode;
};

static int body_missing(void *arg)
{
	const struct missing_case *c = arg;
	char gone[PATH_MAX], tmp[PATH_MAX];
	char *v[] = { at(c->d, "gone", gone) };
	const char *t = c->mode == CONFINE_FALLBACK ? at(c->d, "tmp", tmp) : NULL;
	struct policy p = { 0 };
	int rc;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return 1;
	p.read_only_optional = ONE(v);
	p.home_read_only = ONE(v);
	rc = landlock_apply(&p, c->mode, t);
	CHILD_CHECK(rc == 0, 2, "optional missing path: %s", strerror(-rc));
	p.read_write = ONE(v);
	rc = landlock_apply(&p, c->mode, t);
	CHILD_CHECK(rc == -ENOENT, 3, "missing read_write gave %d", rc);
	return 0;
}

static void test_missing_paths(void **state)
{
	struct missing_case c = { *state, CONFINE_NAMESPACES };

	need_abi(1);
	mkdir_at(c.d, "tmp");
	in_child(body_missing, &c);
	c.mode = CONFINE_FALLBACK;
	in_child(body_missing, &c);
}

/* ---- network ------------------------------------------------------------ */

struct tcp_case {
	const struct dirs *d;
	struct sockaddr_in addr; /* the parent's listener */
	enum network_mode net;
};

static int tcp_connect(const struct sockaddr_in *a)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)a, sizeof(*a)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static int body_tcp(void *arg)
{
	const struct tcp_case *c = arg;
	char tmp[PATH_MAX];
	struct policy p = { 0 };
	int rc;

	rc = tcp_connect(&c->addr);
	CHILD_CHECK(rc == 0, 1, "control: connect: %s", strerror(-rc));
	p.network = c->net;
	rc = confine(&p, CONFINE_FALLBACK, at(c->d, "tmp", tmp));
	CHILD_CHECK(rc == 0, 2, "landlock_apply: %s", strerror(-rc));
	rc = tcp_connect(&c->addr);
	if (c->net == NETWORK_NONE)
		CHILD_CHECK(refused(rc), 3, "connect with network none: %s", strerror(-rc));
	else
		CHILD_CHECK(rc == 0, 4, "connect with network host: %s", strerror(-rc));
	return 0;
}

static void tcp_case(void **state, enum network_mode net)
{
	struct tcp_case c = { .d = *state, .net = net };
	socklen_t len = sizeof(c.addr);
	int lfd;

	need_abi(4);
	mkdir_at(c.d, "tmp");
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	c.addr.sin_family = AF_INET;
	c.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&c.addr, sizeof(c.addr)), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&c.addr, &len), 0);
	assert_int_equal(listen(lfd, 8), 0);
	in_child(body_tcp, &c);
	close(lfd);
}

static void test_tcp_none(void **state) { tcp_case(state, NETWORK_NONE); }
static void test_tcp_host(void **state) { tcp_case(state, NETWORK_HOST); }

/* ---- scopes --------------------------------------------------------------- */

static int body_signal(void *arg)
{
	const struct dirs *d = arg;
	char tmp[PATH_MAX];
	struct policy p = { 0 };
	int rc;

	CHILD_CHECK(kill(getppid(), 0) == 0, 1, "control: kill(parent, 0): %s", strerror(errno));
	rc = confine(&p, CONFINE_FALLBACK, at(d, "tmp", tmp));
	CHILD_CHECK(rc == 0, 2, "landlock_apply: %s", strerror(-rc));
	errno = 0;
	CHILD_CHECK(kill(getppid(), 0) < 0 && errno == EPERM, 3, "kill(parent, 0) after scoping: %s",
		    strerror(errno));
	/* Its own domain stays reachable. */
	CHILD_CHECK(kill(getpid(), 0) == 0, 4, "kill(self, 0): %s", strerror(errno));
	return 0;
}

static void test_signal_scope(void **state)
{
	const struct dirs *d = *state;

	need_abi(6);
	mkdir_at(d, "tmp");
	in_child(body_signal, (void *)d);
}

struct unix_case {
	const struct dirs *d;
	struct sockaddr_un addr;
	socklen_t len;
};

static int unix_connect(const struct unix_case *c)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)&c->addr, c->len) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static int body_unix(void *arg)
{
	const struct unix_case *c = arg;
	char tmp[PATH_MAX];
	struct policy p = { 0 };
	int rc;

	rc = unix_connect(c);
	CHILD_CHECK(rc == 0, 1, "control: connect abstract socket: %s", strerror(-rc));
	p.network = NETWORK_HOST; /* the scope must not depend on the network mode */
	rc = confine(&p, CONFINE_FALLBACK, at(c->d, "tmp", tmp));
	CHILD_CHECK(rc == 0, 2, "landlock_apply: %s", strerror(-rc));
	rc = unix_connect(c);
	CHILD_CHECK(refused(rc), 3, "connect abstract socket after scoping: %s", strerror(-rc));
	return 0;
}

static void test_abstract_unix_scope(void **state)
{
	struct unix_case c = { .d = *state };
	int lfd, n;

	need_abi(6);
	mkdir_at(c.d, "tmp");
	c.addr.sun_family = AF_UNIX;
	/* Abstract: a leading NUL, no file. */
	n = snprintf(c.addr.sun_path + 1, sizeof(c.addr.sun_path) - 1, "pkgguard-test-%d", (int)getpid());
	c.len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&c.addr, c.len), 0);
	assert_int_equal(listen(lfd, 8), 0);
	in_child(body_unix, &c);
	close(lfd);
}

/* ---- kernels without Landlock ------------------------------------------- */

#if defined(__x86_64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

struct nolandlock_case {
	const struct dirs *d;
	int err;              /* what landlock_create_ruleset is made to fail with */
	enum confinement mode;
};

#ifdef TEST_AUDIT_ARCH
/* A seccomp filter makes landlock_create_ruleset fail as it does on a kernel
 * without Landlock (ENOSYS) or with it disabled at boot (EOPNOTSUPP). */
static int fake_no_landlock(int err)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TEST_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_landlock_create_ruleset, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((unsigned)err & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(f), .filter = f };

	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}
#endif

static int body_nolandlock(void *arg)
{
#ifdef TEST_AUDIT_ARCH
	const struct nolandlock_case *c = arg;
	char tmp[PATH_MAX], other[PATH_MAX];
	struct policy p = { 0 };
	int rc;

	CHILD_CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, 1, "no_new_privs");
	CHILD_CHECK(fake_no_landlock(c->err) == 0, 2, "seccomp: %s", strerror(errno));
	rc = landlock_apply(&p, c->mode, at(c->d, "tmp", tmp));
	if (c->mode == CONFINE_NAMESPACES) {
		CHILD_CHECK(rc == 0, 3, "namespaces without Landlock gave %d", rc);
		/* Nothing was restricted. */
		CHILD_CHECK(try_write(at(c->d, "other", other)) == 0, 4, "write after no-op");
	} else {
		CHILD_CHECK(rc == -EOPNOTSUPP, 5, "fallback without Landlock gave %d", rc);
	}
	return 0;
#else
	(void)arg;
	return 0;
#endif
}

static void test_no_landlock(void **state)
{
	static const int errs[] = { ENOSYS, EOPNOTSUPP };
	struct nolandlock_case c = { .d = *state };

#ifndef TEST_AUDIT_ARCH
	print_message("# no seccomp audit arch known for this machine\n");
	skip();
#endif
	mkdir_at(c.d, "tmp");
	for (size_t i = 0; i < 2; i++) {
		c.err = errs[i];
		c.mode = CONFINE_NAMESPACES;
		in_child(body_nolandlock, &c);
		c.mode = CONFINE_FALLBACK;
		in_child(body_nolandlock, &c);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, make_top, remove_top)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_expand_nothing_hidden),
		T(test_expand_hidden_files),
		T(test_expand_hidden_dir),
		T(test_expand_tree_inside_hidden),
		T(test_expand_missing),
		T(test_write_fallback),
		T(test_write_namespaces),
		T(test_hidden_fallback),
		T(test_home_fallback),
		T(test_missing_paths),
		T(test_tcp_none),
		T(test_tcp_host),
		T(test_signal_scope),
		T(test_abstract_unix_scope),
		T(test_no_landlock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
