# Empty compiler generated dependencies file for fuzz_server_pgsql.
# This may be replaced when dependencies are built.
