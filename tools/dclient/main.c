/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * main.c: dclient entry point: parse the command line and run the mode it names. The work
 * is in the other files so that tests link the same code.
 */
#include "dclient.h"

int main(int argc, char **argv)
{
	struct dc_opts o;
	int ex = dc_cli_parse(argc, argv, &o);

	if (ex) {
		dc_cli_free(&o);
		return ex < 0 ? DC_EXIT_OK : ex;
	}
	/* Line-buffered so a test reading our stdout sees each message when it is printed. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (o.cmd == DC_ECHO)
		ex = dc_echo(&o);
	else if (o.load)
		ex = dc_load(&o);
	else if (o.cmd == DC_SERVE)
		ex = dc_serve_only(&o);
	else
		ex = dc_oneshot(&o);
	dc_cli_free(&o);
	return ex;
}
