/* userns_wide.c — runs a command in a new user namespace that maps ids
 * 0-65535 to themselves (root only), like a container's: the tests simulate
 * a host without user namespaces inside it (max_user_namespaces 0 there),
 * and a root caller needs more than its own id mapped (its script runs as
 * 65534). util-linux's --map-users needs newuidmap, which is not installed
 * everywhere.
 *   userns_wide COMMAND [ARGS...] */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_file(pid_t pid, const char *name, const char *text)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

int main(int argc, char **argv)
{
	int ready[2], done[2];
	char c = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: userns_wide COMMAND [ARGS...]\n");
		return 2;
	}
	if (pipe(ready) != 0 || pipe(done) != 0) {
		perror("userns_wide: pipe");
		return 2;
	}
	pid_t parent = getpid(), child = fork();
	if (child < 0) {
		perror("userns_wide: fork");
		return 2;
	}
	if (child == 0) {
		/* Still in the original namespace: map the parent's new one. */
		int ok = read(ready[0], &c, 1) == 1 && c == 'u' &&
			 write_file(parent, "uid_map", "0 0 65536\n") == 0 &&
			 write_file(parent, "gid_map", "0 0 65536\n") == 0;
		if (!ok)
			perror("userns_wide: write the maps");
		c = ok ? 'm' : 'x';
		_exit(write(done[1], &c, 1) == 1 && ok ? 0 : 1);
	}
	c = unshare(CLONE_NEWUSER) == 0 ? 'u' : 'x';
	if (c == 'x')
		perror("userns_wide: unshare(CLONE_NEWUSER)");
	if (write(ready[1], &c, 1) != 1 || c == 'x' || read(done[0], &c, 1) != 1 || c != 'm')
		return 2;
	waitpid(child, NULL, 0);
	close(ready[0]);
	close(ready[1]);
	close(done[0]);
	close(done[1]);
	execvp(argv[1], argv + 1);
	perror("userns_wide: exec");
	return 127;
}
