/* retitle.c — a parent that looks clean to pkgguardd, then retitles itself
 * as a package manager (as a launcher running one in-process does) and
 * only then starts a child, for tests/integration/daemon_reparse.sh:
 *   retitle N TITLE PAD -- COMMAND...
 * execs /bin/true N times (its children's execs make it a parent seen
 * clean, asked first about the next exec), overwrites its own argv area in
 * place with TITLE's words (PAD: any long argument, so the area is big
 * enough), then forks (no vfork) and execs COMMAND; exits with its status
 * (126 when the exec failed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int run(char *const argv[])
{
	int st;
	pid_t p = fork();

	if (p < 0)
		return 126;
	if (p == 0) {
		execv(argv[0], argv);
		_exit(126);
	}
	if (waitpid(p, &st, 0) != p)
		return 126;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	char *truth[] = { "/bin/true", NULL };
	char *area, *end, *cmd[64];
	size_t tlen;
	int n, i, k = 0;

	if (argc < 6 || strcmp(argv[4], "--") != 0) {
		fprintf(stderr, "usage: retitle N TITLE PAD -- COMMAND...\n");
		return 2;
	}
	n = atoi(argv[1]);
	for (i = 5; i < argc && k < 63; i++)
		cmd[k++] = strdup(argv[i]); /* kept: the argv area is rewritten */
	cmd[k] = NULL;
	for (i = 0; i < n; i++)
		if (run(truth) != 0)
			return 3;
	/* The area /proc/PID/cmdline shows: argv[0] through the end of the
	 * last argument. TITLE's spaces become NULs: one argument each. */
	area = argv[0];
	end = argv[argc - 1] + strlen(argv[argc - 1]);
	tlen = strlen(argv[2]);
	if (tlen + 1 > (size_t)(end - area))
		return 4;
	{
		char *title = strdup(argv[2]);

		memset(area, 0, (size_t)(end - area));
		memcpy(area, title, tlen);
		for (size_t j = 0; j < tlen; j++)
			if (area[j] == ' ')
				area[j] = '\0';
		free(title);
	}
	return run(cmd);
}
