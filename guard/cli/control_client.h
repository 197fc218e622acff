/* control_client.h — one request to pkgguardd's control socket
 * (control_proto.h), bounded by PKGGUARD_CONTROL_TIMEOUT_MS in all, so a
 * stalled daemon cannot hang the caller. Used by `pkgguard status` and
 * `pkgguard doctor`. */
#ifndef PKGGUARD_CONTROL_CLIENT_H
#define PKGGUARD_CONTROL_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Sends REQ (one line, "\n" included) to the socket at PATH and reads the
 * answer until the daemon closes: *answer is malloc'd and NUL-terminated.
 * 0, or -errno with one line in WHY saying what went wrong (-ENOENT and
 * -ECONNREFUSED: nothing listens, -EACCES: the socket is root-only,
 * -ETIMEDOUT: the daemon did not answer in time). Prints nothing. */
int control_request(const char *path, const char *req, char **answer, char *why, size_t whylen);

/* The options of the commands that ask the daemon (status, doctor):
 * [--json] [--socket PATH] [--help]. Returns -1 to go on, else the
 * command's exit status (help printed: 0; bad usage: 2). */
int control_cli_options(int argc, char **argv, void (*usage)(FILE *), bool *json, const char **socket);

#endif
