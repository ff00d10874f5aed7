/* sarafw's client of sarafw-server's REST API (docs/server-api.md), on
 * libcurl: where the server is and which token to send (--server,
 * --token-file, or SARAFW_SERVER and SARAFW_TOKEN_FILE), one request at a
 * time, and one line on stderr saying what to do next when it fails. */
#ifndef SARAFW_CLI_REST_CLIENT_H
#define SARAFW_CLI_REST_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bytes.h"
#include "cli.h"
#include "json.h"

/* The options every server command takes (.val 's' and 't'). */
#define REST_CLIENT_OPTIONS                                                         \
	{ .name = "server", .has_arg = required_argument, .val = 's' },             \
	{ .name = "token-file", .has_arg = required_argument, .val = 't' }

typedef struct rest_client {
	const char *server;     /* --server, else $SARAFW_SERVER */
	const char *token_file; /* --token-file, else $SARAFW_TOKEN_FILE */
	char base[512];         /* the server's URL without a trailing '/' */
	char token[256];
	const char *what;       /* what is being done, for messages ("campaign approve 3") */
	const char *role;       /* the role that may do it, for a 403 */
	long status;            /* the HTTP status of the last answer */
	bytes body;             /* its body */
	json_doc doc;           /* and parsed, when it is JSON */
	json_tok *tok;
} rest_client;

/* Take option opt (from REST_CLIENT_OPTIONS); false when it is not one. */
bool rest_client_option(rest_client *r, int opt, const char *arg);

/* Settle the server's URL and read the token. EXIT_OK, or EXIT_USAGE
 * after one line that says which option or variable to give. */
int rest_client_setup(rest_client *r);

/* One request: method and path (under the server's URL), and a body from
 * memory (body, len, as JSON) or from a file (upload, uploaded as it is
 * read, len bytes), or none. Answers 2xx give EXIT_OK with r->status,
 * r->body and, when the body is JSON, r->doc; anything else gives one
 * line on stderr and an exit code: EXIT_NOSERVER (no connection),
 * EXIT_AUTH (401 or 403), EXIT_FAIL (any other answer). */
int rest_client_call(rest_client *r, const char *method, const char *path, const char *body, size_t len,
		     FILE *upload);

/* The server's "error" text in the last answer, or "". */
const char *rest_client_error(rest_client *r, char *buf, size_t cap);

/* Release the last answer. */
void rest_client_done(rest_client *r);

#endif
