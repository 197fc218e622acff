/* addon.c — the smallest useful Node-API addon: hello() returns a string.
 * Built at install time by node-gyp, inside the sandbox, with the system's
 * Node.js headers (npm_config_nodedir=/usr), offline. */
#include <node_api.h>

static napi_value hello(napi_env env, napi_callback_info info)
{
	napi_value s;
	(void)info;
	if (napi_create_string_utf8(env, "hello from a native addon built in the sandbox", NAPI_AUTO_LENGTH, &s) != napi_ok)
		return NULL;
	return s;
}

static napi_value init(napi_env env, napi_value exports)
{
	napi_value fn;
	if (napi_create_function(env, "hello", NAPI_AUTO_LENGTH, hello, NULL, &fn) != napi_ok ||
	    napi_set_named_property(env, exports, "hello", fn) != napi_ok)
		return NULL;
	return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
