/* classify.c — the decision of pkgguardd for one exec (see classify.h and
 * docs/ARCHITECTURE.md, the decision ladder): unrelated → allow (cached by
 * pid + start time); the package manager itself → allow, remembered as a root; its descendants → allow
 * only the trusted sandbox, what runs inside it, and the helpers the
 * package manager runs itself; anything else is a script escaping the
 * sandbox. Pure: the daemon does the reading. */
#include "classify.h"
#include "array_size.h"

#include <string.h>

static const char *base_of(const char *s, size_t len, size_t *blen)
{
	const char *b = s;

	for (size_t i = 0; i < len; i++)
		if (s[i] == '/')
			b = s + i + 1;
	*blen = len - (size_t)(b - s);
	return b;
}

static bool list_has(const struct strlist *l, const char *s, size_t len)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (strlen(l->v[i]) == len && memcmp(l->v[i], s, len) == 0)
			return true;
	return false;
}

/* An interpreter whose first non-option argument is the program (node
 * /usr/bin/npm, nodejs npm-cli.js, python3 -m pip is not matched here). */
static bool is_interpreter(const char *b, size_t len)
{
	static const char *const names[] = { "node", "nodejs", "bun", "deno" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i]) == len && memcmp(names[i], b, len) == 0)
			return true;
	return len >= 6 && memcmp(b, "python", 6) == 0;
}

bool classify_cmdline_matches(const char *cmdline, size_t len, const struct strlist *commands)
{
	const char *end = cmdline + len, *arg = cmdline;
	size_t wlen, blen;
	const char *b;

	if (len == 0)
		return false;
	/* argv[0], up to its first space: a process title ("npm install") is
	 * one string. */
	wlen = strnlen(arg, (size_t)(end - arg));
	for (size_t i = 0; i < wlen; i++)
		if (arg[i] == ' ') {
			wlen = i;
			break;
		}
	b = base_of(arg, wlen, &blen);
	if (list_has(commands, b, blen))
		return true;
	if (!is_interpreter(b, blen))
		return false;
	/* The interpreter's first argument that is not an option: its script. */
	for (arg += strnlen(arg, (size_t)(end - arg)) + 1; arg < end; arg += strnlen(arg, (size_t)(end - arg)) + 1) {
		size_t alen = strnlen(arg, (size_t)(end - arg));

		if (alen == 0 || arg[0] == '-')
			continue;
		b = base_of(arg, alen, &blen);
		return list_has(commands, b, blen);
	}
	return false;
}

void classifier_init(struct classifier *c, const struct pm_matcher *pms, size_t npms)
{
	c->pms = pms;
	c->npms = npms;
	memset(c->cache, 0, sizeof(c->cache));
}

static struct cache_slot *slot_of(const struct classifier *c, pid_t pid)
{
	return (struct cache_slot *)&c->cache[(unsigned)pid % CLASSIFY_CACHE_SLOTS];
}

/* A slot answers only for the same pid and the same start time: a reused
 * pid is another process and inherits nothing. */
static const struct cache_slot *cache_get(const struct classifier *c, pid_t pid, uint64_t start,
					  enum cache_kind kind)
{
	const struct cache_slot *s = slot_of(c, pid);

	return s->kind == kind && s->pid == pid && s->start == start ? s : NULL;
}

/* FNV-1a: a command line's fingerprint, to see that it did not change. */
static uint64_t cmd_hash(const struct proc_info *p)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < p->cmdline_len; i++) {
		h ^= (unsigned char)p->cmdline[i];
		h *= 1099511628211ull;
	}
	return h;
}

static void cache_put(struct classifier *c, const struct proc_info *p, enum cache_kind kind, unsigned pm)
{
	struct cache_slot *s = slot_of(c, p->pid);

	/* A root is worth more than another process's entry: keep it while
	 * alive. */
	if (s->kind == CACHE_ROOT && kind != CACHE_ROOT && s->pid != p->pid)
		return;
	s->pid = p->pid;
	s->start = p->start;
	s->kind = kind;
	s->pm = pm;
	s->cmd_hash = cmd_hash(p);
	s->exec_print = p->exec_print;
	s->at_ticks = c->now_ticks;
}

bool classify_cached(const struct classifier *c, pid_t pid, uint64_t start)
{
	return cache_get(c, pid, start, CACHE_UNRELATED) != NULL;
}

static bool pm_of(const struct classifier *c, const struct proc_info *p, unsigned *pm)
{
	const struct cache_slot *s = cache_get(c, p->pid, p->start, CACHE_ROOT);

	if (s) {
		*pm = s->pm;
		return true;
	}
	for (size_t i = 0; i < c->npms; i++)
		if (classify_cmdline_matches(p->cmdline, p->cmdline_len, c->pms[i].commands)) {
			*pm = (unsigned)i;
			return true;
		}
	return false;
}

/* p was seen with no package manager at or above it, and neither exec'd
 * nor retitled itself since. */
static bool known_clean(const struct classifier *c, const struct proc_info *p)
{
	const struct cache_slot *s = cache_get(c, p->pid, p->start, CACHE_UNRELATED);

	/* The same program image and the same command line: a package
	 * manager run in-process by a launcher (corepack) may show itself
	 * only by retitling the process. */
	return s && p->exec_print && s->exec_print == p->exec_print && s->cmd_hash == cmd_hash(p);
}

/* parent was seen with no package manager at or above it and still shows
 * that command line (classify_vouches_for_children says why that is
 * enough). */
static bool by_clean_parent(const struct classifier *c, const struct proc_info *parent)
{
	const struct cache_slot *s = cache_get(c, parent->pid, parent->start, CACHE_UNRELATED);

	return s && s->cmd_hash == cmd_hash(parent);
}

/* p was seen inside a pkgguard sandbox (it, or an ancestor, ran the
 * trusted binary). */
static bool known_sandboxed(const struct classifier *c, const struct proc_info *p)
{
	return cache_get(c, p->pid, p->start, CACHE_IN_SANDBOX) != NULL;
}

bool classify_vouches_for_children(const struct classifier *c, const struct proc_info *parent)
{
	return by_clean_parent(c, parent) || known_sandboxed(c, parent);
}

bool classify_walk_stops(const struct classifier *c, const struct proc_info *p)
{
	return known_clean(c, p) || known_sandboxed(c, p);
}

bool classify_by_fresh_fork(struct classifier *c, const struct proc_info *child,
			    const struct proc_info *parent)
{
	const struct cache_slot *s;

	if (!child->fresh_fork || child->ppid != parent->pid)
		return false;
	if (!by_clean_parent(c, parent))
		return false;
	s = cache_get(c, parent->pid, parent->start, CACHE_UNRELATED);
	if (child->start <= s->at_ticks)
		return false;
	cache_put(c, child, CACHE_UNRELATED, 0);
	return true;
}

bool classify_by_parent(struct classifier *c, const struct proc_info *chain, size_t n)
{
	const struct cache_slot *s;
	unsigned pm;

	if (n < 2 || chain[0].ppid != chain[1].pid || pm_of(c, &chain[0], &pm))
		return false;
	s = cache_get(c, chain[1].pid, chain[1].start, CACHE_UNRELATED);
	if (!s || s->cmd_hash != cmd_hash(&chain[1]))
		return false;
	cache_put(c, &chain[0], CACHE_UNRELATED, 0);
	return true;
}

static bool same_cmdline(const struct proc_info *a, const struct proc_info *b)
{
	return a->cmdline_len == b->cmdline_len && memcmp(a->cmdline, b->cmdline, a->cmdline_len) == 0;
}

/* chain[i] is a fork of its parent that has not exec'd yet. */
static bool is_fork_of_parent(const struct proc_info *chain, size_t n, size_t i)
{
	return i + 1 < n && chain[i].ppid == chain[i + 1].pid && same_cmdline(&chain[i], &chain[i + 1]);
}

/* Index of the nearest package-manager ancestor in chain (a process whose
 * command line matches a profile, or a remembered root with the same start
 * time), or n when there is none. A fork of a root that has not exec'd yet
 * carries the root's command line: it is a child, not a root. */
static size_t find_root(const struct classifier *c, const struct proc_info *chain, size_t n, unsigned *pm)
{
	for (size_t i = 0; i < n; i++) {
		unsigned k;

		if (!pm_of(c, &chain[i], &k))
			continue;
		if (is_fork_of_parent(chain, n, i) && pm_of(c, &chain[i + 1], &k)) {
			*pm = k;
			return i + 1;
		}
		*pm = k;
		return i;
	}
	return n;
}

static bool is_sandbox(const struct classifier *c, bool known, dev_t dev, ino_t ino)
{
	return c->sandbox_known && known && dev == c->sandbox_dev && ino == c->sandbox_ino;
}

enum helper_match classify_helper_match(const struct strlist *helpers, const char *path)
{
	size_t blen;
	const char *b;

	if (!path || !*path)
		return HELPER_NONE;
	if (path[0] == '/' && list_has(helpers, path, strlen(path)))
		return HELPER_BY_PATH;
	b = base_of(path, strlen(path), &blen);
	return list_has(helpers, b, blen) ? HELPER_BY_NAME : HELPER_NONE;
}

/* Inside a pkgguard sandbox: some ancestor (or itself) runs the trusted
 * pkgguard-sandbox binary, or was seen inside one. Everything a sandbox
 * starts lives in its pid namespace and dies with it, so an ancestor is
 * enough. Returns its index, n for none. */
static size_t sandbox_ancestor(const struct classifier *c, const struct proc_info *chain, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (is_sandbox(c, chain[i].exe_known, chain[i].exe_dev, chain[i].exe_ino) ||
		    known_sandboxed(c, &chain[i]))
			return i;
	return n;
}

/* chain[0..k] are inside the sandbox chain[k] runs (or was seen in): their
 * next execs and their children's stop here. Only those joined to chain[k]
 * by parent links that still hold: below a link that changed, nothing is
 * remembered. */
static void remember_sandboxed(struct classifier *c, const struct proc_info *chain, size_t k)
{
	size_t low = 0;

	for (size_t i = 0; i < k; i++)
		if (chain[i].ppid != chain[i + 1].pid)
			low = i + 1;
	for (size_t i = low; i <= k; i++)
		if (!known_sandboxed(c, &chain[i]))
			cache_put(c, &chain[i], CACHE_IN_SANDBOX, 0);
}

static enum reason descendant_reason(struct classifier *c, const struct proc_info *chain,
				     size_t n, size_t root, const struct exec_file *file,
				     const struct pm_matcher *pm, enum rule *rule)
{
	enum helper_match h;
	size_t k;

	if (is_sandbox(c, true, file->dev, file->ino)) {
		*rule = RULE_SANDBOX_BINARY;
		return REASON_SANDBOX_EXEC;
	}
	k = sandbox_ancestor(c, chain, n);
	if (k < n) {
		remember_sandboxed(c, chain, k);
		*rule = RULE_SANDBOX_ANCESTOR;
		return REASON_IN_SANDBOX;
	}
	/* The package manager's own fork exec'ing a helper (git), a file only
	 * root could have put where it lies (helper_trust.h)... */
	h = root == 1 && is_fork_of_parent(chain, n, 0) ? classify_helper_match(pm->helpers, file->path)
							 : HELPER_NONE;
	if (h != HELPER_NONE && file->trusted) {
		*rule = h == HELPER_BY_PATH ? RULE_HELPER_BY_PATH : RULE_HELPER_BY_NAME;
		return REASON_HELPER;
	}
	/* ...and whatever that helper runs (git runs git-upload-pack, ssh;
	 * lsb_release, a shell script, runs getopt and tr). */
	if (root >= 1 && chain[root - 1].ppid == chain[root].pid &&
	    ((chain[root - 1].exe_trusted && classify_helper_match(pm->helpers, chain[root - 1].exe) != HELPER_NONE) ||
	     cache_get(c, chain[root - 1].pid, chain[root - 1].start, CACHE_HELPER))) {
		*rule = RULE_HELPER_SUBTREE;
		return REASON_HELPER;
	}
	*rule = h != HELPER_NONE ? RULE_UNTRUSTED_HELPER : RULE_PM_DESCENDANT;
	return REASON_UNSANDBOXED;
}

bool classify_in_family(const struct classifier *c, const struct proc_info *chain, size_t n, size_t *root,
			unsigned *pm)
{
	if (n == 0 || known_sandboxed(c, &chain[n - 1]))
		return false;
	*root = find_root(c, chain, n, pm);
	return *root < n;
}

void classify(struct classifier *c, const struct proc_info *chain, size_t n,
	      const struct exec_file *file, struct decision *out)
{
	unsigned pm = 0;
	size_t root;

	memset(out, 0, sizeof(*out));
	out->verdict = VERDICT_ALLOW;
	if (n == 0) {
		out->reason = REASON_UNRELATED;
		out->rule = RULE_NO_PM_ANCESTOR;
		return;
	}
	if (classify_cached(c, chain[0].pid, chain[0].start)) {
		out->reason = REASON_CACHED;
		out->rule = RULE_CACHED;
		return;
	}
	/* Inside a sandbox seen before: nothing above matters (a package
	 * manager run by a script inside is inside too). */
	for (size_t i = 0; i < n; i++)
		if (known_sandboxed(c, &chain[i])) {
			remember_sandboxed(c, chain, i);
			out->reason = REASON_IN_SANDBOX;
			out->rule = RULE_SANDBOX_ANCESTOR;
			return;
		}
	root = find_root(c, chain, n, &pm);
	out->root = root;
	out->root_fork = root == 1 && is_fork_of_parent(chain, n, 0);
	if (root == n) {
		out->reason = REASON_UNRELATED;
		out->rule = RULE_NO_PM_ANCESTOR;
		/* It and its ancestors: their next children take the fast
		 * paths, and later walks stop at them. */
		for (size_t i = 0; i < n && (i == 0 || chain[i - 1].ppid == chain[i].pid); i++)
			cache_put(c, &chain[i], CACHE_UNRELATED, 0);
		return;
	}
	out->pm = c->pms[pm].name;
	out->pm_index = pm;
	cache_put(c, &chain[root], CACHE_ROOT, pm);
	if (root == 0) {
		out->reason = REASON_ROOT;
		out->rule = RULE_PM_COMMAND;
		return;
	}
	if (cache_get(c, chain[0].pid, chain[0].start, CACHE_EXEC_OK) ||
	    cache_get(c, chain[0].pid, chain[0].start, CACHE_HELPER)) {
		out->reason = REASON_EXEC_OK;
		out->rule = RULE_SAME_EXEC;
		return;
	}
	out->reason = descendant_reason(c, chain, n, root, file, &c->pms[pm], &out->rule);
	if (out->reason == REASON_UNSANDBOXED)
		out->verdict = VERDICT_DENY;
	else if (root >= 1 && (out->reason == REASON_SANDBOX_EXEC || out->reason == REASON_HELPER))
		cache_put(c, &chain[0], out->reason == REASON_HELPER ? CACHE_HELPER : CACHE_EXEC_OK, pm);
}

void classify_allow_exec(struct classifier *c, const struct proc_info *p, unsigned pm)
{
	cache_put(c, p, CACHE_EXEC_OK, pm);
}

const char *reason_name(enum reason r)
{
	switch (r) {
	case REASON_UNRELATED: return "unrelated";
	case REASON_CACHED: return "cached";
	case REASON_ROOT: return "package-manager";
	case REASON_SANDBOX_EXEC: return "sandbox-exec";
	case REASON_IN_SANDBOX: return "in-sandbox";
	case REASON_HELPER: return "helper";
	case REASON_EXEC_OK: return "exec-continues";
	case REASON_UNSANDBOXED: return "unsandboxed-script";
	case REASON_NESTED_PM: return "nested-package-manager";
	}
	return "?";
}

const char *rule_name(enum rule r)
{
	switch (r) {
	case RULE_NO_PM_ANCESTOR: return "no-package-manager-ancestor";
	case RULE_CACHED: return "cached-unrelated";
	case RULE_PM_COMMAND: return "package-manager-command";
	case RULE_SANDBOX_BINARY: return "trusted-sandbox-binary";
	case RULE_SANDBOX_ANCESTOR: return "sandbox-ancestor";
	case RULE_HELPER_BY_NAME: return "helper-by-name";
	case RULE_HELPER_BY_PATH: return "helper-by-path";
	case RULE_HELPER_SUBTREE: return "helper-subtree";
	case RULE_SAME_EXEC: return "same-exec";
	case RULE_NESTED_PM: return "nested-package-manager";
	case RULE_PM_DESCENDANT: return "package-manager-descendant-outside-sandbox";
	case RULE_UNTRUSTED_HELPER: return "helper-name-untrusted-file";
	}
	return "?";
}
