# Empty compiler generated dependencies file for fuzz_server_reg.
# This may be replaced when dependencies are built.
