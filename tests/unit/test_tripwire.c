/* test_tripwire.c — the tripwire's pure parts: SHA-256 against FIPS 180-4
 * vectors, the DNS stub's question parser (good and hostile queries), the
 * decoy token search, the rule table and the merging of repeated findings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decoys.h"
#include "dns_stub.h"
#include "findings.h"
#include "sha256.h"

static void hex_of(const char *s, size_t n, char out[65])
{
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, s, n);
	sha256_final_hex(&h, out);
}

static void test_sha256_vectors(void **state)
{
	char out[65];
	(void)state;
	hex_of("", 0, out);
	assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	hex_of("abc", 3, out);
	assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	hex_of(two, strlen(two), out);
	assert_string_equal(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* one million 'a', fed in uneven pieces */
	struct sha256 h;
	char *a = malloc(1000000);
	assert_non_null(a);
	memset(a, 'a', 1000000);
	sha256_init(&h);
	for (size_t at = 0, step = 1; at < 1000000; at += step, step = step * 7 % 997 + 1)
		sha256_update(&h, a + at, at + step > 1000000 ? 1000000 - at : step);
	sha256_final_hex(&h, out);
	free(a);
	assert_string_equal(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* A query for www.Example.com (type A, class IN) with an EDNS record. */
static const unsigned char query[] = {
	0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	3, 'w', 'w', 'w', 7, 'E', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01,
	0x00, 0x00, 0x29, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void test_dns_query_name(void **state)
{
	char name[256];
	size_t end = 0;
	(void)state;
	assert_int_equal(dns_query_name(query, sizeof(query), name, sizeof(name), &end), 0);
	assert_string_equal(name, "www.example.com");
	assert_int_equal(end, 12 + 17 + 4);
}

static void test_dns_query_hostile(void **state)
{
	unsigned char q[sizeof(query)];
	char name[256], small[8];
	(void)state;
	/* an answer, not a query */
	memcpy(q, query, sizeof(q));
	q[2] |= 0x80;
	assert_int_equal(dns_query_name(q, sizeof(q), name, sizeof(name), NULL), -EBADMSG);
	/* a label running past the end */
	memcpy(q, query, sizeof(q));
	q[12] = 60;
	assert_int_equal(dns_query_name(q, 12 + 17, name, sizeof(name), NULL), -EBADMSG);
	/* a compression pointer in the question */
	memcpy(q, query, sizeof(q));
	q[12] = 0xc0;
	assert_int_equal(dns_query_name(q, sizeof(q), name, sizeof(name), NULL), -EBADMSG);
	/* a name longer than the buffer */
	assert_int_equal(dns_query_name(query, sizeof(query), small, sizeof(small), NULL), -EBADMSG);
	/* truncated header */
	assert_int_equal(dns_query_name(query, 11, name, sizeof(name), NULL), -EBADMSG);
	/* quotes and control characters never reach the record */
	memcpy(q, query, sizeof(q));
	q[13] = '"';
	q[14] = 0x01;
	assert_int_equal(dns_query_name(q, sizeof(q), name, sizeof(name), NULL), 0);
	assert_string_equal(name, "??w.example.com");
}

static void test_decoy_tokens(void **state)
{
	struct decoys d;
	char buf[200];
	(void)state;
	assert_int_equal(decoys_init(&d), 0);
	assert_true(d.n >= 5);
	assert_int_equal(strlen(d.token[2]), DECOY_TOKEN_LEN);
	snprintf(buf, sizeof(buf), "x=%s.attacker.example", d.token[2]);
	for (char *s = buf; *s; s++)
		*s = (char)(*s >= 'a' && *s <= 'f' ? *s - 32 : *s); /* DNS may change case */
	assert_int_equal(decoys_find_token(&d, buf, strlen(buf)), 2);
	buf[2 + 5] ^= 1; /* one character off: no match */
	assert_int_equal(decoys_find_token(&d, buf, strlen(buf)), -1);
	assert_string_equal(decoy_path(0), "~/.npmrc");
}

static void test_rules(void **state)
{
	struct findings fs = { 0 };
	char reason[200];
	(void)state;
	struct finding dns = { .kind = FINDING_DNS, .name = "registry.npmjs.org" };
	struct finding net = { .kind = FINDING_CONNECT, .name = "connect", .address = "104.16.0.1", .port = 443, .protocol = "tcp" };
	struct finding npmrc = { .kind = FINDING_DECOY_OPENED, .path = "~/.npmrc" };
	struct finding cache = { .kind = FINDING_FILE_LEFT, .path = "~/.npm/_logs/x.log", .size = 10, .mode = 0644 };
	assert_int_equal(findings_add(&fs, &dns), 0);
	assert_int_equal(findings_add(&fs, &net), 0);
	assert_int_equal(findings_add(&fs, &net), 0);
	assert_int_equal(findings_add(&fs, &npmrc), 0);
	assert_int_equal(findings_add(&fs, &cache), 0);
	assert_int_equal(fs.n, 4);
	assert_int_equal(fs.v[1].count, 2);
	assert_false(findings_suspicious(&fs)); /* what a download-or-build script does */
	findings_reason(&fs, reason, sizeof(reason));
	assert_string_equal(reason, "looked up registry.npmjs.org");

	struct finding ssh = { .kind = FINDING_DECOY_OPENED, .path = "~/.ssh/id_ed25519" };
	struct finding bashrc = { .kind = FINDING_FILE_LEFT, .path = "~/.bashrc", .size = 3, .mode = 0644 };
	struct finding manifest = { .kind = FINDING_SELF_MODIFIED, .name = "manifest", .path = "package.json", .detail = "rewrote" };
	struct finding other = { .kind = FINDING_SELF_MODIFIED, .name = "file", .path = "README.md", .detail = "rewrote" };
	struct findings one = { 0 };
	assert_int_equal(findings_add(&one, &other), 0);
	assert_false(findings_suspicious(&one));
	assert_int_equal(findings_add(&one, &bashrc), 0);
	assert_true(findings_suspicious(&one));
	assert_int_equal(findings_add(&one, &ssh), 0);
	assert_int_equal(findings_add(&one, &manifest), 0);
	findings_reason(&one, reason, sizeof(reason));
	assert_string_equal(reason, "left ~/.bashrc (3 bytes) (+2 more)");
	findings_free(&one);
	findings_free(&fs);
}

static void test_findings_bounded(void **state)
{
	struct findings fs = { 0 };
	char name[32];
	(void)state;
	for (int i = 0; i < FINDINGS_MAX + 10; i++) {
		snprintf(name, sizeof(name), "n%d.example", i);
		struct finding f = { .kind = FINDING_DNS, .name = name };
		assert_int_equal(findings_add(&fs, &f), 0);
	}
	assert_int_equal(fs.n, FINDINGS_MAX);
	assert_int_equal(fs.dropped, 10);
	findings_free(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_dns_query_name),
		cmocka_unit_test(test_dns_query_hostile),
		cmocka_unit_test(test_decoy_tokens),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_findings_bounded),
	};
	return cmocka_run_group_tests_name("tripwire", tests, NULL, NULL);
}
