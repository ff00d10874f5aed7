# Empty dependencies file for test_server_parse.
# This may be replaced when dependencies are built.
