# Empty compiler generated dependencies file for fuzz_server_route.
# This may be replaced when dependencies are built.
